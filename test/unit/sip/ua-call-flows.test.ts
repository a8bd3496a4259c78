import { describe, expect, test } from "bun:test";
import type { IncomingCall, OutgoingCall, SipUserAgent, UserAgentOptions } from "../../../src/sip/index.ts";
import { MemoryNetwork, makeUa, SDP_A, SDP_B } from "./ua-support/memory-network.ts";
import { parseMessage } from "../../../src/sip/message/index.ts";

interface Pair { net: MemoryNetwork; a: SipUserAgent; b: SipUserAgent; incoming: IncomingCall[] }

function pair(aOpts: Partial<UserAgentOptions> = {}, bOpts: Partial<UserAgentOptions> = {}): Pair {
  const net = new MemoryNetwork();
  const a = makeUa(net, "A", "127.0.0.1", aOpts);
  const b = makeUa(net, "B", "127.0.0.2", bOpts);
  const incoming: IncomingCall[] = [];
  b.on("incoming", (c) => incoming.push(c));
  return { net, a, b, incoming };
}

async function establish(p: Pair): Promise<{ out: OutgoingCall; inc: IncomingCall }> {
  const out = p.a.invite({ target: "sip:b@127.0.0.2", from: "<sip:a@127.0.0.1>", sdp: SDP_A });
  await p.net.settle();
  const inc = p.incoming.at(-1)!;
  inc.progress(180);
  await inc.answer(SDP_B);
  await p.net.settle();
  expect(out.state).toBe("established");
  return { out, inc };
}

describe("basic call", () => {
  test("INVITE/180/200/ACK then BYE; both sides end, dialogs forgotten", async () => {
    const p = pair();
    const { out, inc } = await establish(p);
    const ends: string[] = [];
    out.on("terminated", (t) => ends.push(`a:${t.reason}`));
    inc.on("terminated", (t) => ends.push(`b:${t.reason}`));
    expect(inc.offer).toBe(SDP_A);
    expect(out.localSdp).toBe(SDP_A);
    await out.bye();
    await p.net.settle();
    expect(ends).toEqual(["a:local-bye", "b:remote-bye"]);
    expect(p.net.lines()).toEqual(["A>B INVITE", "B>A 180 INVITE", "B>A 200 INVITE", "A>B ACK", "A>B BYE", "B>A 200 BYE"]);
    expect(p.a.callCount).toBe(0);
    expect(p.b.callCount).toBe(0);
  });

  test("the 200 is retransmitted until the ACK; without ACK the UAS sends BYE after 64*T1", async () => {
    const p = pair();
    p.net.drop = (m) => "method" in m && m.method === "ACK";
    const out = p.a.invite({ target: "sip:b@127.0.0.2", from: "<sip:a@127.0.0.1>", sdp: SDP_A });
    await p.net.settle();
    const inc = p.incoming[0];
    const ended = new Promise<string>((r) => inc.on("terminated", (t) => r(t.reason)));
    await inc.answer(SDP_B);
    await p.net.advance(33_000, 250);
    expect(await ended).toBe("no-ack");
    const oks = p.net.lines((r) => r.line === "200 INVITE").length;
    expect(oks).toBeGreaterThanOrEqual(7);            // 0, .5, 1.5, 3.5, 7.5, 11.5, 15.5 ...
    expect(p.net.lines((r) => r.line === "BYE")).toEqual(["B>A BYE"]);
    expect(out.state).toBe("terminated");
  });

  test("CANCEL while ringing: 487 to the INVITE, cancelled / failed events", async () => {
    const p = pair();
    const out = p.a.invite({ target: "sip:b@127.0.0.2", from: "<sip:a@127.0.0.1>", sdp: SDP_A });
    await p.net.settle();
    const inc = p.incoming[0];
    const events: string[] = [];
    inc.on("cancelled", () => events.push("b:cancelled"));
    out.on("failed", (f) => events.push(`a:failed ${f.status}`));
    out.on("terminated", (t) => events.push(`a:${t.reason}`));
    inc.progress(180);
    await p.net.settle();
    out.cancel();
    await p.net.settle();
    expect(events).toEqual(["b:cancelled", "a:failed 487", "a:cancelled"]);
    expect(await inc.answer(SDP_B)).toBe(false);
  });

  test("the caller may BYE an early dialog: the INVITE gets 487", async () => {
    const p = pair();
    const out = p.a.invite({ target: "sip:b@127.0.0.2", from: "<sip:a@127.0.0.1>", sdp: SDP_A });
    await p.net.settle();
    p.incoming[0].progress(180);
    await p.net.settle();
    const early = out.dialog!;
    const bye = early.createRequest("BYE");
    p.a["transactions"].sendRequest(bye, early.nextHop());
    await p.net.settle();
    expect(p.incoming[0].state).toBe("terminated");
    expect(p.net.lines((r) => r.from === "B")).toContain("B>A 487 INVITE");
  });
});

describe("requests the user agent answers itself", () => {
  async function send(p: Pair, text: string): Promise<string[]> {
    const t = p.net.attach("X", "127.0.0.9");
    t.send(parseMessage(new TextEncoder().encode(text)), { transport: "udp", host: "127.0.0.2", port: 5060 });
    await p.net.settle();
    return p.net.lines((r) => r.from === "B").map((l) => l.slice(4));
  }
  const req = (method: string, extra = "", toTag = "") => [
    `${method} sip:b@127.0.0.2 SIP/2.0`, "Via: SIP/2.0/UDP 127.0.0.9:5060;branch=z9hG4bK" + Math.random().toString(36).slice(2),
    "Max-Forwards: 70", "From: <sip:x@127.0.0.9>;tag=x1", `To: <sip:b@127.0.0.2>${toTag}`, "Call-ID: c1@x", `CSeq: 1 ${method}`,
    ...(extra ? [extra] : []), "Content-Length: 0", "", ""].join("\r\n");

  test("unknown Require -> 420 with Unsupported", async () => {
    const p = pair();
    expect(await send(p, req("INVITE", "Require: foo, 100rel"))).toEqual(["420 INVITE"]);
    expect(p.net.log.at(-1)!.message.headers.get("Unsupported")).toBe("foo");
    expect(p.incoming.length).toBe(0);
  });
  test("known but unsupported method -> 405 with Allow; unknown method -> 501", async () => {
    const p = pair();
    await send(p, req("MESSAGE"));
    expect(p.net.log.at(-1)!.line).toBe("405 MESSAGE");
    expect(p.net.log.at(-1)!.message.headers.get("Allow")).toContain("UPDATE");
    await send(p, req("FOO"));
    expect(p.net.log.at(-1)!.line).toBe("501 FOO");
  });
  test("OPTIONS -> 200 with Allow, Accept, Supported", async () => {
    const p = pair();
    await send(p, req("OPTIONS"));
    const res = p.net.log.at(-1)!.message;
    expect(p.net.log.at(-1)!.line).toBe("200 OPTIONS");
    expect(res.headers.get("Allow")).toContain("PRACK");
    expect(res.headers.get("Accept")).toContain("application/sdp");
    expect(res.headers.getAll("Supported")).toEqual(["100rel", "timer"]);
  });
  test("in-dialog request for no dialog -> 481; from an untrusted source it is dropped", async () => {
    const p = pair();
    await send(p, req("BYE", "", ";tag=nope"));
    expect(p.net.log.at(-1)!.line).toBe("481 BYE");
    const q = pair({}, { isTrusted: () => false });
    expect(await send(q, req("BYE", "", ";tag=nope"))).toEqual([]);
  });
  test("a merged INVITE (same Call-ID/From tag/CSeq, other branch) -> 482", async () => {
    const p = pair();
    await send(p, req("INVITE"));
    await send(p, req("INVITE"));
    expect(p.net.lines((r) => r.from === "B")).toEqual(["B>X 482 INVITE"]);
    expect(p.incoming.length).toBe(1);
  });
});

describe("guards and forks", () => {
  test("an incoming call nobody answers gets 480 after the ring timeout", async () => {
    const p = pair({}, { ringTimeoutMs: 30_000 });
    const out = p.a.invite({ target: "sip:b@127.0.0.2", from: "<sip:a@127.0.0.1>", sdp: SDP_A });
    const failed = new Promise<number>((r) => out.once("failed", (f) => r(f.status)));
    await p.net.settle();
    await p.net.advance(30_000, 1000);
    expect(await failed).toBe(480);
    expect(p.incoming[0].state).toBe("terminated");
  });

  test("a re-INVITE in an early dialog gets 500 with Retry-After", async () => {
    const p = pair();
    const out = p.a.invite({ target: "sip:b@127.0.0.2", from: "<sip:a@127.0.0.1>", sdp: SDP_A });
    await p.net.settle();
    p.incoming[0].progress(180);
    await p.net.settle();
    const reinvite = out.dialog!.createRequest("INVITE", { body: new TextEncoder().encode(SDP_A), contentType: "application/sdp" });
    p.a["transactions"].sendRequest(reinvite, out.dialog!.nextHop());
    await p.net.settle();
    const res = p.net.log.find((r) => r.line === "500 INVITE")!.message;
    expect(res.headers.has("Retry-After")).toBe(true);
  });

  test("a second 2xx from another fork is ACKed and ended with BYE; the call keeps the first dialog", async () => {
    const p = pair();
    const { out } = await establish(p);
    const first = p.net.log.find((r) => r.line === "200 INVITE")!.message;
    const fork = parseMessage(first.serialize());
    fork.headers.set("To", fork.headers.get("To")!.replace(/tag=[^;]+/, "tag=forked"));
    const bTransport = p.net.attach("F", "127.0.0.2");     // same address as B: the fork answers from there
    await bTransport.send(fork, { transport: "udp", host: "127.0.0.1", port: 5060 });
    await p.net.settle();
    const fromA = p.net.log.filter((r) => r.from === "A" && r.message.headers.get("To")?.includes("tag=forked")).map((r) => r.line);
    expect(fromA).toEqual(["ACK", "BYE"]);
    expect(out.state).toBe("established");
    expect(out.dialog!.remoteTag).not.toBe("forked");
  });
});
