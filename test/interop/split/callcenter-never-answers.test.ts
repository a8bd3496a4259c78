/**
 * The call center never answers the appliance's INVITE, with a real sipp caller: the caller gets a final error, the
 * call-center leg is ended the way SIP allows, and the session is journaled with that outcome. The appliance's call
 * clock runs 20x faster than real time: Timer B (64 x T1 = 32 s) fires after 1.6 s real, the ring timeout
 * (180 s) after 9 s.
 */
import { expect, test } from "bun:test";
import type { SessionEvent } from "../../../src/session/events.ts";
import { fastClock } from "../../support/fast-clock.ts";
import { sessionRecord } from "../../support/session-record.ts";
import { splitScenario, splitFixture } from "../../support/split-harness.ts";
import { startSipp } from "../sip/sipp.ts";

const fx = splitFixture({ callClock: fastClock(20), mediaTimeoutS: 0 });

function nextSessionEnd(): Promise<Extract<SessionEvent, { type: "session.ended" }>> {
  const sessions = fx.h.appliance.sessions!;
  return new Promise((resolve) => {
    const onEvent = (e: SessionEvent) => {
      if (e.type !== "session.ended") return;
      sessions.off("event", onEvent);
      resolve(e);
    };
    sessions.on("event", onEvent);
  });
}

/** The sipp caller, expecting final response `status` (which it ACKs). */
function callExpecting(status: number) {
  return startSipp(fx.scenarios.dir, [
    "-sf", splitScenario(fx.scenarios.dir, "uac_av_refused.xml", { STATUS: String(status) }), "-s", "110", "-i", "127.0.0.1", "-p", String(fx.h.callerPort),
    "-mi", "127.0.0.1", "-mp", String(fx.h.callerMediaPort), `127.0.0.1:${fx.h.sipPort}`, "-m", "1",
  ], 30);
}

test("a call center that never responds: Timer B ends its INVITE, the caller gets 408 and the session is journaled so", async () => {
  // A dead call center: the port is bound (no ICMP unreachable), nothing is ever answered.
  const received: string[] = [];
  const deadCallCenter = await Bun.udpSocket({
    hostname: "127.0.0.1", port: fx.h.ccPort,
    socket: { data: (_s, buf) => void received.push(new TextDecoder().decode(buf).split("\r\n")[0]!) },
  });
  try {
    const ended = nextSessionEnd();
    const caller = callExpecting(408);
    const { sessionId, reason } = await ended;
    expect(reason).toBe("call center answered 408 Request Timeout");
    const result = await caller.done;
    expect(result.code, result.logs).toBe(0);

    // the INVITE was retransmitted (T1 doubling) until Timer B; no CANCEL, since nothing provisional ever came
    expect(received.length).toBeGreaterThan(3);
    expect(new Set(received.map((line) => line.split(" ")[0]))).toEqual(new Set(["INVITE"]));

    const { session, legs, events } = sessionRecord(fx.h.dataDir, sessionId);
    expect(session).toMatchObject({ state: "ended", end_reason: "call center answered 408 Request Timeout", answered_at: null });
    expect(legs.map((l) => [l.kind, l.state])).toEqual([["callcenter", "ended"], ["caller", "ended"]]);
    expect(events.at(-1)).toEqual({ type: "session.ended", data: { reason: "call center answered 408 Request Timeout" } });
  } finally {
    deadCallCenter.close();
  }
}, 60_000);

test("a call center that rings and never answers: at the ring timeout the caller gets 480 and the call center a CANCEL", async () => {
  const ended = nextSessionEnd();
  const cc = startSipp(fx.scenarios.dir, [
    "-sf", splitScenario(fx.scenarios.dir, "uas_cc_rings_forever.xml"), "-i", "127.0.0.1", "-p", String(fx.h.ccPort), "-mi", "127.0.0.1", "-mp", String(fx.h.ccMediaPort), "-m", "1",
  ], 40);
  const caller = callExpecting(480);
  const { sessionId, reason } = await ended;
  expect(reason).toBe("caller not answered within the ring timeout (480)");
  const [callerResult, ccResult] = await Promise.all([caller.done, cc.done]);
  expect(callerResult.code, callerResult.logs).toBe(0);
  expect(ccResult.code, ccResult.logs).toBe(0); // it got the CANCEL, answered it and the INVITE 487, and saw the ACK

  const { session, legs, events } = sessionRecord(fx.h.dataDir, sessionId);
  expect(session).toMatchObject({ state: "ended", end_reason: reason, answered_at: null });
  expect(legs.map((l) => [l.kind, l.state])).toEqual([["callcenter", "ended"], ["caller", "ended"]]);
  expect(legs.find((l) => l.kind === "callcenter")!.end_reason).toBe(`session ended: ${reason}`);
  expect(events.map((e) => [e.type, e.data.kind ?? null, e.data.state ?? e.data.reason ?? null]).slice(3)).toEqual([
    ["session.state", null, "ringing"],
    ["leg.state", "callcenter", "ringing"],
    ["leg.ended", "caller", "rejected"],
    ["leg.ended", "callcenter", `session ended: ${reason}`],
    ["session.ended", null, reason],
  ]);
  expect(events.find((e) => e.type === "leg.ended" && e.data.kind === "caller")!.data.status).toBe(480);
}, 60_000);
