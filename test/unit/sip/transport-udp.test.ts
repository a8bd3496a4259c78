import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import dgram from "node:dgram";
import { SipTransportLayer } from "../../../src/sip/transport/index.ts";
import { createResponse, parseMessage, type SipRequest, type SipResponse } from "../../../src/sip/message/index.ts";
import { metrics } from "../../../src/observability/metrics.ts";
import { messagesOf, udpPeer, withTimeout } from "./helpers/net.ts";
import { requestText } from "./helpers/fake-transport.ts";

let layer: SipTransportLayer;
let port: number;

beforeEach(async () => {
  layer = new SipTransportLayer({ listen: ["udp:127.0.0.1:0"] });
  await layer.start();
  port = layer.bound[0].port;
});
afterEach(async () => { await layer.close(); });

const parse = (text: string) => parseMessage(new TextEncoder().encode(text));
const dropped = (reason: string) => metrics.counter("sip_messages_dropped_total", "").get({ reason });

describe("UDP transport", () => {
  test("binds port 0 and reports the real port", () => {
    expect(port).toBeGreaterThan(0);
    expect(layer.bound[0]).toEqual({ transport: "udp", host: "127.0.0.1", port });
    expect(layer.localEndpoint("udp")).toEqual({ transport: "udp", host: "127.0.0.1", port });
  });

  test("receives a request with remote/local and answers to received + rport (RFC 3581)", async () => {
    const peer = await udpPeer();
    const inbox = messagesOf(layer);
    await peer.send(requestText("OPTIONS", { via: "SIP/2.0/UDP client.invalid:5999;branch=z9hG4bKr1;rport" }), port);
    const { message, remote, local } = await inbox.next();
    expect(remote).toEqual({ transport: "udp", host: "127.0.0.1", port: peer.port });
    expect(local).toEqual({ transport: "udp", host: "127.0.0.1", port });
    const via = (message as SipRequest).topVia;
    expect(via.params.get("received")).toBe("127.0.0.1");
    expect(via.params.get("rport")).toBe(String(peer.port));
    await layer.sendResponse(createResponse(message as SipRequest, 200, "OK", "t"), remote);
    const reply = parse(await peer.next()) as SipResponse;
    expect(reply.status).toBe(200);
    expect(reply.topVia.params.get("rport")).toBe(String(peer.port));
    peer.close();
  });

  test("without rport, a sent-by host that differs gets received=; the response goes to received:sent-by port", async () => {
    const peer = await udpPeer();
    const inbox = messagesOf(layer);
    await peer.send(requestText("OPTIONS", { via: `SIP/2.0/UDP host.invalid:${peer.port};branch=z9hG4bKr2` }), port);
    const { message, remote } = await inbox.next();
    const via = (message as SipRequest).topVia;
    expect(via.params.get("received")).toBe("127.0.0.1");
    expect(via.params.has("rport")).toBe(false);
    await layer.sendResponse(createResponse(message as SipRequest, 404, "Not Found", "t"), remote);
    expect((parse(await peer.next()) as SipResponse).status).toBe(404);
    peer.close();
  });

  test("a sent-by equal to the source gets no received parameter", async () => {
    const peer = await udpPeer();
    const inbox = messagesOf(layer);
    await peer.send(requestText("OPTIONS", { via: `SIP/2.0/UDP 127.0.0.1:${peer.port};branch=z9hG4bKr3` }), port);
    const { message } = await inbox.next();
    expect((message as SipRequest).topVia.params.has("received")).toBe(false);
    peer.close();
  });

  test("send() delivers a request to a peer", async () => {
    const peer = await udpPeer();
    const req = parse(requestText("MESSAGE")) as SipRequest;
    await layer.send(req, { transport: "udp", host: "127.0.0.1", port: peer.port });
    expect(await peer.next()).toStartWith("MESSAGE sip:bob@127.0.0.1:5060 SIP/2.0\r\n");
    peer.close();
  });

  test("a malformed but answerable request gets 400 naming the problem and is not passed up", async () => {
    const peer = await udpPeer();
    const inbox = messagesOf(layer);
    await peer.send(requestText("INVITE").replace("CSeq: 1 INVITE", "CSeq: one INVITE"), port);
    const reply = await peer.next();          // echoes the broken CSeq, so read it as text
    expect(reply).toStartWith("SIP/2.0 400 Bad Request (bad-header:CSeq)\r\n");
    expect(reply).toContain("branch=z9hG4bKpeer1");
    expect(inbox.size).toBe(0);
    peer.close();
  });

  test("garbage and unanswerable messages are dropped and counted; the next good message still arrives", async () => {
    const peer = await udpPeer();
    const inbox = messagesOf(layer);
    const before = dropped("bad-start-line") + dropped("bad-char");
    const beforeVia = dropped("bad-header") + dropped("missing-header");
    await peer.send(new Uint8Array([0xde, 0xad, 0xbe, 0xef, 0x00, 0xff, 0x10, 0x20]), port);
    await peer.send(requestText("OPTIONS").replace(/Via: [^\r]*\r\n/, ""), port);      // no Via: cannot be answered
    await peer.send("\r\n\r\n", port);                                                  // keep-alive: ignored
    await peer.send(requestText("OPTIONS", { via: "SIP/2.0/UDP 127.0.0.1:1;branch=z9hG4bKok" }), port);
    const { message } = await inbox.next();
    expect((message as SipRequest).topVia.params.get("branch")).toBe("z9hG4bKok");
    await peer.send("hello\r\n\r\n", port);
    await peer.send(requestText("OPTIONS", { via: "SIP/2.0/UDP 127.0.0.1:1;branch=z9hG4bKok2" }), port);
    await inbox.next();
    expect(dropped("bad-start-line") + dropped("bad-char")).toBe(before + 2);
    expect(dropped("bad-header") + dropped("missing-header")).toBe(beforeVia + 1);
    expect(inbox.size).toBe(0);
    peer.close();
  });

  test("a listen address already in use makes start() reject (and the layer cleans up)", async () => {
    const clash = new SipTransportLayer({ listen: [`udp:127.0.0.1:${port}`, "tcp:127.0.0.1:0"] });
    await expect(clash.start()).rejects.toThrow();
    await expect(clash.send(parse(requestText("OPTIONS")), { transport: "udp", host: "127.0.0.1", port: 9 })).rejects.toThrow();
  });

  test("close() is idempotent and later sends fail instead of throwing", async () => {
    await layer.close();
    await layer.close();
    const req = parse(requestText("OPTIONS"));
    await expect(layer.send(req, { transport: "udp", host: "127.0.0.1", port: 9 })).rejects.toThrow();
  });
});

describe("UDP over IPv6", () => {
  test("[::1]: received/rport are stamped without brackets and the answer goes back to the v6 source", async () => {
    const v6 = new SipTransportLayer({ listen: ["udp:[::1]:0"] });
    await v6.start();
    const peer = dgram.createSocket("udp6");
    try {
      await new Promise<void>((r) => peer.bind(0, "::1", r));
      const reply = new Promise<string>((resolve) => peer.once("message", (m) => resolve(m.toString())));
      const inbox = messagesOf(v6);
      const text = requestText("OPTIONS", { via: "SIP/2.0/UDP [2001:db8::9]:5060;branch=z9hG4bKv6;rport" });
      peer.send(Buffer.from(text), v6.bound[0].port, "::1");
      const { message, remote } = await inbox.next();
      expect(remote).toEqual({ transport: "udp", host: "::1", port: peer.address().port });
      const via = (message as SipRequest).topVia;
      expect(via.params.get("received")).toBe("::1");
      expect(via.params.get("rport")).toBe(String(peer.address().port));
      expect(v6.localEndpoint("udp", 6).host).toBe("::1");
      await v6.sendResponse(createResponse(message as SipRequest, 200, "OK", "t"), remote);
      expect(await withTimeout(reply, 3000, "v6 reply")).toStartWith("SIP/2.0 200 OK\r\n");
    } finally {
      peer.close();
      await v6.close();
    }
  });
});
