import { describe, expect, test } from "bun:test";
import { type Endpoint, FramingError, ListenSpecError, parseListenSpec, responseDestination, stampReceived, StreamFramer } from "../../../src/sip/transport/index.ts";
import { createResponse, parseMessage, type SipRequest } from "../../../src/sip/message/index.ts";
import { requestText } from "./helpers/fake-transport.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();
const withBody = (branch: string, body: string) =>
  requestText("MESSAGE", { via: `SIP/2.0/TCP 127.0.0.1:5999;branch=${branch}` })
    .replace("Content-Length: 0", `Content-Type: text/plain\r\nContent-Length: ${enc.encode(body).length}`) + body;

describe("stream framing", () => {
  test("a message cut at every possible byte boundary is reassembled exactly once", () => {
    const text = withBody("z9hG4bKcut", "héllo\r\n\r\nworld");
    const bytes = enc.encode(text);
    for (let cut = 1; cut < bytes.length; cut++) {
      const framer = new StreamFramer(65_535);
      const out = [...framer.push(bytes.subarray(0, cut)).messages, ...framer.push(bytes.subarray(cut)).messages];
      expect(out.map((m) => dec.decode(m))).toEqual([text]);
      expect(framer.buffered).toBe(0);
    }
  });

  test("byte-by-byte feeding of three coalesced messages yields three messages in order", () => {
    const texts = ["a", "b", "c"].map((b) => withBody(`z9hG4bK${b}`, `body-${b}`));
    const bytes = enc.encode(texts.join(""));
    const framer = new StreamFramer(65_535);
    const out: string[] = [];
    for (const b of bytes) for (const m of framer.push(new Uint8Array([b])).messages) out.push(dec.decode(m));
    expect(out).toEqual(texts);
  });

  test("double-CRLF keep-alives are counted as pings and skipped", () => {
    const framer = new StreamFramer(65_535);
    const r = framer.push(enc.encode("\r\n\r\n" + withBody("z9hG4bKp", "x") + "\r\n\r\n"));
    expect(r.pings).toBe(2);
    expect(r.messages).toHaveLength(1);
  });

  test("missing Content-Length is a framing error", () => {
    const framer = new StreamFramer(65_535);
    expect(() => framer.push(enc.encode(requestText("OPTIONS").replace("Content-Length: 0\r\n", "")))).toThrow(FramingError);
  });

  test("the buffer is bounded: a header block that never ends fails at the limit", () => {
    const framer = new StreamFramer(2048, { maxBytes: 2048 });
    framer.push(enc.encode("OPTIONS sip:a@b SIP/2.0\r\n"));
    expect(() => { for (let i = 0; i < 100; i++) framer.push(enc.encode(`X-Pad: ${"p".repeat(100)}\r\n`)); }).toThrow(FramingError);
  });
});

describe("listen specs", () => {
  test.each([
    ["udp:127.0.0.1:5060", { transport: "udp", host: "127.0.0.1", port: 5060 }],
    ["TCP:0.0.0.0:0", { transport: "tcp", host: "0.0.0.0", port: 0 }],
    ["tls:[::1]:5061", { transport: "tls", host: "::1", port: 5061 }],
  ])("%s", (text, spec) => expect(parseListenSpec(text)).toEqual(spec as never));

  test.each(["udp:127.0.0.1", "sctp:127.0.0.1:5060", "udp:example.com:5060", "udp:::1:5060", "udp:[127.0.0.1]:5060", "udp:127.0.0.1:70000", ""])(
    "rejects %p", (text) => expect(() => parseListenSpec(text)).toThrow(ListenSpecError));
});

describe("response routing (RFC 3261 §18.2.2, RFC 3581)", () => {
  const source: Endpoint = { transport: "udp", host: "192.0.2.7", port: 40000 };
  const route = (via: string, src = source) => {
    const req = parseMessage(enc.encode(requestText("OPTIONS", { via }))) as SipRequest;
    return responseDestination(createResponse(req, 200), src);
  };

  test("received + rport => the exact source", () => {
    expect(route("SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK1;received=192.0.2.7;rport=40000"))
      .toEqual({ transport: "udp", host: "192.0.2.7", port: 40000 });
  });
  test("received without rport => received host, sent-by port (default 5060)", () => {
    expect(route("SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK1;received=192.0.2.7")).toEqual({ transport: "udp", host: "192.0.2.7", port: 5060 });
    expect(route("SIP/2.0/UDP 10.0.0.1:5080;branch=z9hG4bK1;received=192.0.2.7")).toEqual({ transport: "udp", host: "192.0.2.7", port: 5080 });
  });
  test("no received => sent-by; TLS defaults to 5061", () => {
    expect(route("SIP/2.0/UDP 192.0.2.7:5070;branch=z9hG4bK1")).toEqual({ transport: "udp", host: "192.0.2.7", port: 5070 });
    expect(route("SIP/2.0/TLS 192.0.2.7;branch=z9hG4bK1", { ...source, transport: "tls" })).toEqual({ transport: "tls", host: "192.0.2.7", port: 5061 });
  });
  test("maddr wins over received on UDP", () => {
    expect(route("SIP/2.0/UDP 10.0.0.1:5062;branch=z9hG4bK1;maddr=239.1.1.1;received=192.0.2.7"))
      .toEqual({ transport: "udp", host: "239.1.1.1", port: 5062 });
  });
  test("IPv6 received is unbracketed", () => {
    expect(route("SIP/2.0/UDP [2001:db8::1]:5060;branch=z9hG4bK1;received=2001:db8::9;rport=5999"))
      .toEqual({ transport: "udp", host: "2001:db8::9", port: 5999 });
  });
  test("a sent-by host name without received falls back to the source", () => {
    expect(route("SIP/2.0/UDP pbx.example.com:5060;branch=z9hG4bK1")).toEqual(source);
  });
});

describe("received/rport stamping", () => {
  const remote = { transport: "udp" as const, host: "192.0.2.7", port: 40000 };
  const stamped = (via: string) => {
    const req = parseMessage(enc.encode(requestText("OPTIONS", { via }))) as SipRequest;
    stampReceived(req, remote);
    return req;
  };
  test("sent-by equal to the source and no rport: untouched", () => {
    const req = stamped("SIP/2.0/UDP 192.0.2.7:5060;branch=z9hG4bK1");
    expect(req.headers.get("Via")).toBe("SIP/2.0/UDP 192.0.2.7:5060;branch=z9hG4bK1");
  });
  test("rport present: rport and received filled even when the host matches", () => {
    const via = stamped("SIP/2.0/UDP 192.0.2.7:5060;branch=z9hG4bK1;rport").topVia;
    expect([via.params.get("rport"), via.params.get("received")]).toEqual(["40000", "192.0.2.7"]);
  });
  test("only the top via-parm changes, also when several share one header line", () => {
    const req = stamped("SIP/2.0/UDP nat.invalid;branch=z9hG4bK1, SIP/2.0/UDP proxy.invalid;branch=z9hG4bK0");
    const vias = req.vias;
    expect(vias.map((v) => v.params.get("received") ?? null)).toEqual(["192.0.2.7", null]);
    expect(vias[1].params.get("branch")).toBe("z9hG4bK0");
  });
});
