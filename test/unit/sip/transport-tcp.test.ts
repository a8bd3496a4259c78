import { afterEach, describe, expect, test } from "bun:test";
import net from "node:net";
import { SipTransportLayer, type TransportLayerOptions } from "../../../src/sip/transport/index.ts";
import { createResponse, parseMessage, type SipRequest } from "../../../src/sip/message/index.ts";
import { metrics } from "../../../src/observability/metrics.ts";
import { FakeClock } from "../../support/fake-clock.ts";
import { messagesOf, tcpPeer, withTimeout } from "./helpers/net.ts";
import { requestText } from "./helpers/fake-transport.ts";

const layers: SipTransportLayer[] = [];
const cleanups: (() => void)[] = [];
afterEach(async () => {
  for (const l of layers.splice(0)) await l.close();
  for (const c of cleanups.splice(0)) c();
});

async function startLayer(extra: Partial<TransportLayerOptions> = {}): Promise<{ layer: SipTransportLayer; port: number }> {
  const layer = new SipTransportLayer({ listen: ["tcp:127.0.0.1:0"], ...extra });
  layers.push(layer);
  await layer.start();
  return { layer, port: layer.bound[0].port };
}

const enc = new TextEncoder();
const tcpVia = (branch: string) => `SIP/2.0/TCP 127.0.0.1:5999;branch=${branch}`;
const dropped = (reason: string) => metrics.counter("sip_messages_dropped_total", "").get({ reason });

describe("TCP framing", () => {
  test("a message split across several writes is reassembled", async () => {
    const { layer, port } = await startLayer();
    const inbox = messagesOf(layer);
    const peer = await tcpPeer(port);
    cleanups.push(() => peer.close());
    const text = requestText("INVITE", { via: tcpVia("z9hG4bKsplit") }).replace("Content-Length: 0", "Content-Type: application/sdp\r\nContent-Length: 10") + "v=0\r\no=- 1";
    const bytes = enc.encode(text);
    for (const [a, b] of [[0, 7], [7, 60], [60, bytes.length - 3], [bytes.length - 3, bytes.length]]) {
      await peer.write(bytes.subarray(a, b));
      await Bun.sleep(0);          // yield so the chunks arrive as separate reads
    }
    const { message, remote } = await inbox.next();
    expect((message as SipRequest).method).toBe("INVITE");
    expect(new TextDecoder().decode(message.body)).toBe("v=0\r\no=- 1");
    expect(remote).toEqual({ transport: "tcp", host: "127.0.0.1", port: peer.localPort });
  });

  test("several messages in one chunk (with CRLF keep-alives between) all come out, in order", async () => {
    const { layer, port } = await startLayer();
    const inbox = messagesOf(layer);
    const peer = await tcpPeer(port);
    cleanups.push(() => peer.close());
    const batch = ["a", "b", "c"].map((b) => requestText("OPTIONS", { via: tcpVia(`z9hG4bK${b}`) })).join("\r\n\r\n");
    await peer.write(batch);
    const branches = [];
    for (let i = 0; i < 3; i++) branches.push(((await inbox.next()).message as SipRequest).topVia.params.get("branch"));
    expect(branches).toEqual(["z9hG4bKa", "z9hG4bKb", "z9hG4bKc"]);
    expect(await peer.until((t) => t.length >= 4)).toBe("\r\n\r\n");   // a pong per double-CRLF ping
  });

  test("the response goes back over the connection the request came on", async () => {
    const { layer, port } = await startLayer();
    const inbox = messagesOf(layer);
    const peer = await tcpPeer(port);
    cleanups.push(() => peer.close());
    await peer.write(requestText("OPTIONS", { via: "SIP/2.0/TCP unreachable.invalid:9;branch=z9hG4bKresp" }));
    const { message, remote } = await inbox.next();
    await layer.sendResponse(createResponse(message as SipRequest, 200, "OK", "t"), remote);
    const text = await peer.until((t) => t.includes("\r\n\r\n"));
    expect(text).toStartWith("SIP/2.0 200 OK\r\n");
  });

  test("when the request's connection is gone, the response opens a connection to the Via sent-by", async () => {
    const clock = new FakeClock();
    const { layer, port } = await startLayer({ clock, idleTimeoutMs: 1000 });
    const inbox = messagesOf(layer);
    let gotResponse!: (text: string) => void;
    const response = new Promise<string>((r) => (gotResponse = r));
    const listener = net.createServer((s) => s.on("data", (d) => gotResponse(d.toString())));
    await new Promise<void>((r) => listener.listen(0, "127.0.0.1", r));
    cleanups.push(() => listener.close());
    const listenPort = (listener.address() as net.AddressInfo).port;
    const peer = await tcpPeer(port);
    cleanups.push(() => peer.close());
    await peer.write(requestText("OPTIONS", { via: `SIP/2.0/TCP 127.0.0.1:${listenPort};branch=z9hG4bKgone` }));
    const { message, remote } = await inbox.next();
    clock.advance(1000);                     // idle timeout: our side drops the request's connection
    await layer.sendResponse(createResponse(message as SipRequest, 200, "OK", "t"), remote);
    expect(await withTimeout(response, 3000, "response on the new connection")).toStartWith("SIP/2.0 200 OK\r\n");
  });

  test("a request to a peer reuses its open inbound connection", async () => {
    const { layer, port } = await startLayer();
    const inbox = messagesOf(layer);
    const peer = await tcpPeer(port);
    cleanups.push(() => peer.close());
    await peer.write(requestText("OPTIONS", { via: tcpVia("z9hG4bKreuse") }));
    const { remote } = await inbox.next();
    await layer.send(parseMessage(enc.encode(requestText("BYE", { via: tcpVia("z9hG4bKout") }))), remote);
    expect(await peer.until((t) => t.includes("BYE "))).toStartWith("BYE sip:");
  });

  test("outbound requests open one connection and reuse it", async () => {
    const { layer } = await startLayer();
    let accepted = 0;
    let received = "";
    let allArrived!: () => void;
    const arrived = new Promise<void>((r) => (allArrived = r));
    const server = net.createServer((s) => {
      accepted++;
      s.on("data", (d) => { received += d; if ((received.match(/OPTIONS sip/g) ?? []).length === 3) allArrived(); });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    cleanups.push(() => server.close());
    const dest = { transport: "tcp" as const, host: "127.0.0.1", port: (server.address() as net.AddressInfo).port };
    await Promise.all([1, 2, 3].map((i) => layer.send(parseMessage(enc.encode(requestText("OPTIONS", { via: tcpVia(`z9hG4bKo${i}`) }))), dest)));
    await withTimeout(arrived, 3000, "three requests");
    expect(accepted).toBe(1);
  });

  test("a connect failure rejects send()", async () => {
    const { layer } = await startLayer();
    const closedPort = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, "127.0.0.1", () => { const p = (s.address() as net.AddressInfo).port; s.close(() => resolve(p)); });
    });
    await expect(layer.send(parseMessage(enc.encode(requestText("OPTIONS"))), { transport: "tcp", host: "127.0.0.1", port: closedPort })).rejects.toThrow();
  });
});

describe("TCP robustness", () => {
  test("a message without Content-Length cannot be framed: dropped, counted, connection closed", async () => {
    const { port } = await startLayer();
    const peer = await tcpPeer(port);
    const before = dropped("framing");
    await peer.write(requestText("OPTIONS").replace("Content-Length: 0\r\n", ""));
    await peer.waitClosed();
    expect(dropped("framing")).toBe(before + 1);
  });

  test("an endless header block is cut at maxBytes (bounded buffer) and the connection closed", async () => {
    const { port } = await startLayer({ limits: { maxBytes: 4096 } });
    const peer = await tcpPeer(port);
    await peer.write("INVITE sip:a@b SIP/2.0\r\n");
    const line = "X-Filler: " + "y".repeat(1000) + "\r\n";
    for (let i = 0; i < 8; i++) await peer.write(line).catch(() => {});
    await peer.waitClosed();
  });

  test("a malformed answerable request gets a 400 over the same connection", async () => {
    const { layer, port } = await startLayer();
    const inbox = messagesOf(layer);
    const peer = await tcpPeer(port);
    cleanups.push(() => peer.close());
    await peer.write(requestText("INVITE", { via: tcpVia("z9hG4bKbad") }).replace("To: <sip:bob@127.0.0.1>", "To: <sip:bob@127.0.0.1"));
    expect(await peer.until((t) => t.includes("\r\n\r\n"))).toStartWith("SIP/2.0 400 Bad Request (bad-header:To)");
    expect(inbox.size).toBe(0);
  });

  test("connections per source address are capped; other sources still get in", async () => {
    const { layer, port } = await startLayer({ maxConnectionsPerHost: 2 });
    const inbox = messagesOf(layer);
    const peers = [];
    for (let i = 0; i < 2; i++) {
      const p = await tcpPeer(port);
      cleanups.push(() => p.close());
      await p.write(requestText("OPTIONS", { via: tcpVia(`z9hG4bKcap${i}`) }));
      await inbox.next();                 // accepted and serving
      peers.push(p);
    }
    const third = await tcpPeer(port);
    await third.waitClosed();             // over the cap: closed at once
    const other = await new Promise<net.Socket>((resolve, reject) => {
      const s = net.connect({ host: "127.0.0.1", port, localAddress: "127.0.0.2" }, () => resolve(s));
      s.once("error", reject);
    });
    cleanups.push(() => other.destroy());
    other.write(requestText("OPTIONS", { via: tcpVia("z9hG4bKother") }));
    expect((await inbox.next()).remote.host).toBe("127.0.0.2");
  });

  test("idle connections are closed after idleTimeoutMs", async () => {
    const clock = new FakeClock();
    const { layer, port } = await startLayer({ clock, idleTimeoutMs: 30_000 });
    const inbox = messagesOf(layer);
    const peer = await tcpPeer(port);
    await peer.write(requestText("OPTIONS", { via: tcpVia("z9hG4bKidle") }));
    await inbox.next();                      // the server side has adopted the connection
    let closed = false;
    const closing = peer.waitClosed().then(() => (closed = true));
    clock.advance(20_000);
    await peer.write(requestText("OPTIONS", { via: tcpVia("z9hG4bKidle2") }));
    await inbox.next();                      // activity at t=20 s pushes the deadline to 50 s
    clock.advance(20_000);
    await Bun.sleep(10);
    expect(closed).toBe(false);
    clock.advance(10_000);
    await closing;
  });
});
