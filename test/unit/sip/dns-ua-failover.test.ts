import { expect, test } from "bun:test";
import { SipResolver, type DnsLookup } from "../../../src/sip/index.ts";
import { MemoryNetwork, makeUa, SDP_A, SDP_B } from "./ua-support/memory-network.ts";

/** cc.test: SRV to b1 (priority 10, 127.0.0.2) then b2 (priority 20, 127.0.0.3). */
function ccZone(): DnsLookup {
  const a: Record<string, string> = { "b1.cc.test": "127.0.0.2", "b2.cc.test": "127.0.0.3" };
  return {
    srv: async (name) => (name === "_sip._udp.cc.test" ? [{ name: "b2.cc.test", port: 5060, priority: 20, weight: 0 }, { name: "b1.cc.test", port: 5060, priority: 10, weight: 0 }] : []),
    a: async (name) => (a[name] ? [{ address: a[name], ttl: 60 }] : []),
    aaaa: async () => [],
  };
}

function calls(net: MemoryNetwork) {
  const resolver = new SipResolver({ lookup: ccZone(), clock: net.clock });
  const a = makeUa(net, "A", "127.0.0.1", { resolver });
  const b1 = makeUa(net, "B1", "127.0.0.2");
  const b2 = makeUa(net, "B2", "127.0.0.3");
  return { a, b1, b2 };
}

test("the first SRV target answers 503: the INVITE goes to the next target, which takes the call", async () => {
  const net = new MemoryNetwork();
  const { a, b1, b2 } = calls(net);
  b1.on("incoming", (c) => c.reject(503));
  b2.on("incoming", (c) => void c.answer(SDP_B));
  const out = a.invite({ target: "sip:110@cc.test", from: "<sip:a@127.0.0.1>", sdp: SDP_A });
  await net.settle();
  await net.settle();
  expect(out.state).toBe("established");
  expect(net.lines((r) => r.from === "A")).toEqual(["A>B1 INVITE", "A>B1 ACK", "A>B2 INVITE", "A>B2 ACK"]);
  await out.bye();
  expect(net.lines().at(-1)).toBe("B2>A 200 BYE");
});

test("an unknown name fails the call with 503 (no crash, no INVITE sent)", async () => {
  const net = new MemoryNetwork();
  const { a } = calls(net);
  const out = a.invite({ target: "sip:110@nowhere.test", from: "<sip:a@127.0.0.1>", sdp: SDP_A });
  const failed = new Promise<{ status: number; reason: string }>((resolve) => out.on("failed", resolve));
  expect(await failed).toMatchObject({ status: 503, reason: "Service Unavailable (cannot resolve nowhere.test: no SRV, A or AAAA records)" });
  expect(out.state).toBe("terminated");
  expect(net.log).toEqual([]);
});

test("a call cancelled while DNS is still answering sends nothing and ends cancelled", async () => {
  const net = new MemoryNetwork();
  const { a } = calls(net);
  const out = a.invite({ target: "sip:110@cc.test", from: "<sip:a@127.0.0.1>", sdp: SDP_A });
  const ended = new Promise((resolve) => out.on("terminated", resolve));
  out.cancel();
  expect(await ended).toMatchObject({ reason: "cancelled", status: 487 });
  expect(net.log).toEqual([]);
});

test("the first SRV target answers nothing at all: after hopTimeoutMs (not Timer B) the INVITE goes to the next, the silent one is given up", async () => {
  const net = new MemoryNetwork();
  const resolver = new SipResolver({ lookup: ccZone(), clock: net.clock });
  const a = makeUa(net, "A", "127.0.0.1", { resolver, hopTimeoutMs: 2000 });
  const b2 = makeUa(net, "B2", "127.0.0.3"); // nothing listens on b1 (127.0.0.2): UDP into the void
  b2.on("incoming", (c) => void c.answer(SDP_B));
  const out = a.invite({ target: "sip:110@cc.test", from: "<sip:a@127.0.0.1>", sdp: SDP_A });
  await net.advance(1900);
  expect(out.state).toBe("early");
  await net.advance(200);
  expect(out.state).toBe("established");
  // T1 retransmissions at 0.5 and 1.5 s, then nothing more to b1 (its transaction ended), however long we wait.
  await net.advance(30_000, 500);
  expect(net.lines((r) => r.from === "A" && r.line === "INVITE")).toEqual(["A>127.0.0.2:5060 INVITE", "A>127.0.0.2:5060 INVITE", "A>127.0.0.2:5060 INVITE", "A>B2 INVITE"]);
  await out.bye();
});

test("a single target that answers nothing is not given up early: Timer B decides (408)", async () => {
  const net = new MemoryNetwork();
  const a = makeUa(net, "A", "127.0.0.1", { hopTimeoutMs: 2000 });
  const out = a.invite({ target: "sip:110@127.0.0.9", from: "<sip:a@127.0.0.1>", sdp: SDP_A });
  const failed = new Promise<number>((resolve) => out.on("failed", (info) => resolve(info.status)));
  await net.advance(33_000, 500);
  expect(await failed).toBe(408);
  expect(net.lines((r) => r.from === "A" && r.line === "INVITE").length).toBe(7);
});
