import { describe, expect, test } from "bun:test";
import type { IncomingCall, OutgoingCall, SipUserAgent, UserAgentOptions } from "../../../src/sip/index.ts";
import { MemoryNetwork, makeUa, SDP_A, SDP_B } from "./ua-support/memory-network.ts";

interface Pair { net: MemoryNetwork; a: SipUserAgent; b: SipUserAgent; incoming: IncomingCall[] }

function pair(aOpts: Partial<UserAgentOptions> = {}, bOpts: Partial<UserAgentOptions> = {}): Pair {
  const net = new MemoryNetwork();
  const a = makeUa(net, "A", "127.0.0.1", aOpts);
  const b = makeUa(net, "B", "127.0.0.2", bOpts);
  const incoming: IncomingCall[] = [];
  b.on("incoming", (c) => { incoming.push(c); void c.answer(SDP_B); });
  return { net, a, b, incoming };
}

async function call(p: Pair): Promise<OutgoingCall> {
  const out = p.a.invite({ target: "sip:b@127.0.0.2", from: "<sip:a@127.0.0.1>", sdp: SDP_A });
  await p.net.settle();
  return out;
}

describe("RFC 4028 session timers between two user agents", () => {
  test("422: the UAS demands a larger Min-SE, the UAC retries with it and the call is set up", async () => {
    const p = pair({ sessionTimer: { sessionExpires: 120, minSE: 90 } }, { sessionTimer: { sessionExpires: 1800, minSE: 600 } });
    const out = await call(p);
    expect(p.net.lines()).toEqual(["A>B INVITE", "B>A 422 INVITE", "A>B ACK", "A>B INVITE", "B>A 200 INVITE", "A>B ACK"]);
    const retry = p.net.log[3].message;
    expect(retry.headers.get("Session-Expires")).toBe("600");
    expect(retry.headers.get("Min-SE")).toBe("600");
    expect(retry.cseq.seq).toBe(2);
    expect(out.state).toBe("established");
    expect(out.sessionInterval).toBe(600);
  });

  test("the UAS refreshes (its preference) by UPDATE at half the interval; both restart their timers", async () => {
    const p = pair({ sessionTimer: { sessionExpires: 90 } }, { sessionTimer: { sessionExpires: 90 } });
    const out = await call(p);
    const inc = p.incoming[0];
    const ok200 = p.net.log.find((r) => r.line === "200 INVITE")!.message;
    expect(ok200.headers.get("Session-Expires")).toBe("90;refresher=uas");
    expect(ok200.headers.getAll("Require")).toContain("timer");
    const refreshed: string[] = [];
    out.on("session-refreshed", (s) => refreshed.push(`a:${s}`));
    inc.on("session-refreshed", (s) => refreshed.push(`b:${s}`));
    await p.net.advance(45_000, 1000);
    expect(p.net.lines((r) => r.line.includes("UPDATE"))).toEqual(["B>A UPDATE", "A>B 200 UPDATE"]);
    const update = p.net.log.find((r) => r.line === "UPDATE")!.message;
    expect(update.headers.get("Session-Expires")).toBe("90;refresher=uac");   // B sends it: B is the uac of that transaction
    expect(refreshed.sort()).toEqual(["a:90", "b:90"]);
    await p.net.advance(60_000, 1000);                                      // keeps refreshing, never expires
    expect(out.state).toBe("established");
    expect(p.net.lines((r) => r.line === "UPDATE").length).toBe(2);
  });

  test("when refreshes stop, the non-refresher sends BYE at SE - min(32, SE/3)", async () => {
    const p = pair({ sessionTimer: { sessionExpires: 90 } }, { sessionTimer: { sessionExpires: 90 } });
    const out = await call(p);
    p.net.drop = (m) => "method" in m && m.method === "UPDATE";
    const expired = new Promise<number>((r) => out.on("session-expired", () => r(p.net.clock.now())));
    const start = p.net.clock.now();
    await p.net.advance(61_000, 500);
    expect((await expired) - start).toBe(60_000);
    expect(p.net.lines((r) => r.line === "BYE")).toContain("A>B BYE");
    expect(out.state).toBe("terminated");
  });

  test("session timers disabled: no Session-Expires offered, Supported lacks timer, Require: timer gets 420", async () => {
    const p = pair({ sessionTimer: false }, { sessionTimer: false });
    const out = await call(p);
    const invite = p.net.log[0].message;
    expect(invite.headers.has("Session-Expires")).toBe(false);
    expect(invite.headers.getAll("Supported")).toEqual(["100rel"]);
    expect(out.sessionInterval).toBeNull();
    const probe = p.a.invite({ target: "sip:b@127.0.0.2", from: "<sip:a@127.0.0.1>", sdp: SDP_A, headers: [["Require", "timer"]] });
    const failed = await new Promise<import("../../../src/sip/index.ts").FailedInfo>((r) => probe.once("failed", r));
    expect(failed.status).toBe(420);
    expect(failed.response.headers.get("Unsupported")).toBe("timer");
  });
});
