/**
 * RFC 4028 at session level, with real sipp peers: a caller that asked to be the session refresher and then stops
 * refreshing loses the whole call at expiry — BYE to the caller and to the call center (recorded as our "local-bye"),
 * and the session's row and audit events say why. The appliance's call clock runs 10x faster than real time, so the 90 s session (the RFC
 * minimum) expires 60 s of call time (6 s real) after the answer; media timeouts are off (the caller sends no RTP).
 */
import { expect, test } from "bun:test";
import type { SessionEvent } from "../../../src/session/events.ts";
import { fastClock } from "../../support/fast-clock.ts";
import { sessionRecord } from "../../support/session-record.ts";
import { callCenterScenario, splitScenario, splitFixture } from "../../support/split-harness.ts";
import { startSipp } from "../sip/sipp.ts";

const fx = splitFixture({ callClock: fastClock(10), mediaTimeoutS: 0 });

test("a caller that stops refreshing its session timer: at expiry both legs get BYE and the session record says why", async () => {
  const ended = new Promise<Extract<SessionEvent, { type: "session.ended" }>>((resolve) =>
    fx.h.appliance.sessions!.on("event", (e) => e.type === "session.ended" && resolve(e)));
  const cc = startSipp(fx.scenarios.dir, [
    "-sf", callCenterScenario(fx.scenarios.dir, "1001"), "-i", "127.0.0.1", "-p", String(fx.h.ccPort), "-mi", "127.0.0.1", "-mp", String(fx.h.ccMediaPort), "-m", "1",
  ], 30);
  // the scenario checks the 200 keeps it the refresher (Session-Expires: 90;refresher=uac), then waits for a BYE
  const caller = startSipp(fx.scenarios.dir, [
    "-sf", splitScenario(fx.scenarios.dir, "uac_av_timer_never_refreshes.xml"), "-s", "110", "-i", "127.0.0.1", "-p", String(fx.h.callerPort),
    "-mi", "127.0.0.1", "-mp", String(fx.h.callerMediaPort), `127.0.0.1:${fx.h.sipPort}`, "-m", "1",
  ], 30);
  const { sessionId, reason } = await ended;
  expect(reason).toBe("caller session-expired");
  const [callerResult, ccResult] = await Promise.all([caller.done, cc.done]);
  expect(callerResult.code, callerResult.logs).toBe(0);
  expect(ccResult.code, ccResult.logs).toBe(0);

  const { session, legs, events } = sessionRecord(fx.h.dataDir, sessionId);
  expect(session).toMatchObject({ state: "ended", end_reason: "caller session-expired", agent_id: "1001" });
  // expiry at SE - min(32, SE / 3) = 60 s of call time after the 200 OK, not before
  expect(session.ended_at! - session.answered_at!).toBeGreaterThanOrEqual(59_000);
  expect(session.ended_at! - session.answered_at!).toBeLessThan(70_000);
  expect(legs).toEqual([
    { kind: "callcenter", state: "ended", end_reason: "local-bye" },
    { kind: "caller", state: "ended", end_reason: "session-expired" },
  ]);
  // (recording.stopped may land before or after these: the file is checksummed once its writes are done)
  const ending = events.filter((e) => e.type === "leg.ended" || e.type === "session.ended");
  expect(ending.slice(-3).map((e) => [e.type, e.data.kind ?? null, e.data.reason])).toEqual([
    ["leg.ended", "caller", "session-expired"],
    ["leg.ended", "callcenter", "local-bye"],
    ["session.ended", null, "caller session-expired"],
  ]);
}, 60_000);
