/**
 * Flow 7 with real peers (sipp on both sides): each way a call can end takes down exactly the legs that
 * depend on it, with the right SIP on each side, and the session is closed in the database.
 */
import { expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { callCenterScenario, splitFixture, splitScenario, startSplitHarness } from "../../support/split-harness.ts";
import { pollUntil } from "../../support/poll.ts";
import { scenarioDir, startSipp } from "../sip/sipp.ts";

const fx = splitFixture();

function runCall(callerScenario: string, ccScenario: string, callerArgs: string[] = []) {
  const cc = startSipp(fx.scenarios.dir, ["-sf", ccScenario, "-i", "127.0.0.1", "-p", String(fx.h.ccPort), "-mi", "127.0.0.1", "-mp", String(fx.h.ccMediaPort), "-rtp_echo", "-m", "1"], 30);
  const caller = startSipp(fx.scenarios.dir, [
    "-sf", callerScenario, "-s", "110", "-i", "127.0.0.1", "-p", String(fx.h.callerPort), "-mi", "127.0.0.1", "-mp", String(fx.h.callerMediaPort),
    `127.0.0.1:${fx.h.sipPort}`, "-m", "1", ...callerArgs,
  ], 30);
  return Promise.all([caller.done, cc.done]);
}

/** The session the next call creates, with its media stats taken just before it ends. */
function nextSession() {
  const sessions = fx.h.appliance.sessions!;
  return new Promise<{ id: string; stats: ReturnType<NonNullable<ReturnType<typeof sessions.get>>["mediaStats"]> }>((resolve) => {
    const onEvent = (e: { type: string; sessionId: string }) => {
      if (e.type !== "session.state") return;
      const s = sessions.get(e.sessionId);
      if (!s) return;
      sessions.off("event", onEvent);
      s.onEnd(() => resolve({ id: s.id, stats: s.mediaStats() }));
    };
    sessions.on("event", onEvent);
  });
}

function sessionRow(id: string) {
  const db = new Database(`${fx.h.dataDir}/avsplit.db`, { readonly: true });
  try {
    const row = db.query<{ state: string; end_reason: string; agent_id: string | null }, [string]>("SELECT state, end_reason, agent_id FROM sessions WHERE id = ?").get(id);
    const legs = db.query<{ kind: string; state: string; end_reason: string }, [string]>("SELECT kind, state, end_reason FROM legs WHERE session_id = ? ORDER BY kind").all(id);
    return { row, legs };
  } finally {
    db.close();
  }
}

test("the call center answers 486: the caller gets 486 and the session closes", async () => {
  const ended = new Promise<string>((resolve) => fx.h.appliance.sessions!.on("event", (e) => e.type === "session.ended" && resolve(e.sessionId)));
  const [caller, cc] = await runCall(splitScenario(fx.scenarios.dir, "uac_av_refused.xml", { STATUS: "486" }), splitScenario(fx.scenarios.dir, "uas_cc_busy.xml"));
  expect(caller.code, caller.logs).toBe(0);
  expect(cc.code, cc.logs).toBe(0);
  const { row, legs } = sessionRow(await ended);
  expect(row).toMatchObject({ state: "ended", end_reason: "call center answered 486 Busy Here" });
  expect(legs.map((l) => l.state)).toEqual(["ended", "ended"]);
}, 60_000);

test("the caller hangs up while the call center rings: CANCEL reaches the call center", async () => {
  const ended = new Promise<string>((resolve) => fx.h.appliance.sessions!.on("event", (e) => e.type === "session.ended" && resolve(e.sessionId)));
  const [caller, cc] = await runCall("uac_audio_cancel.xml", callCenterScenario(fx.scenarios.dir, "1001"));
  expect(caller.code, caller.logs).toBe(0);
  expect(cc.code, cc.logs).toBe(0);
  const { row } = sessionRow(await ended);
  expect(row).toMatchObject({ state: "ended", end_reason: "caller cancelled" });
}, 60_000);

test("no widget ever joins: audio flows both ways until the call center hangs up, then the caller gets BYE", async () => {
  const session = nextSession();
  const [caller, cc] = await runCall(splitScenario(fx.scenarios.dir, "uac_av_media_until_bye.xml"), splitScenario(fx.scenarios.dir, "uas_cc_hangs_up.xml", { AGENT: "1001" }));
  expect(caller.code, caller.logs).toBe(0);
  expect(cc.code, cc.logs).toBe(0);
  const { id, stats } = await session;
  // 3 s of 20 ms audio: ~150 packets each way, echoed by the call center.
  expect(stats.callerAudio.rx.packets).toBeGreaterThan(100);
  expect(stats.callcenterAudio.tx.packets).toBeGreaterThan(100);
  expect(stats.callcenterAudio.rx.packets).toBeGreaterThan(100);
  expect(stats.callerAudio.tx.packets).toBeGreaterThan(100);
  const { row, legs } = sessionRow(id);
  expect(row).toMatchObject({ state: "ended", end_reason: "callcenter remote-bye", agent_id: "1001" });
  expect(legs).toEqual([
    { kind: "callcenter", state: "ended", end_reason: "remote-bye" },
    { kind: "caller", state: "ended", end_reason: "local-bye" },
  ]);
}, 60_000);

test("the caller's media stops: after media_timeout_s the session ends and both sides get BYE", async () => {
  const quick = await startSplitHarness({ mediaTimeoutS: 1 });
  const sc = scenarioDir();
  try {
    const ended = new Promise<string>((resolve) => quick.appliance.sessions!.on("event", (e) => e.type === "session.ended" && resolve(e.reason)));
    const cc = startSipp(sc.dir, ["-sf", callCenterScenario(sc.dir, "1001"), "-i", "127.0.0.1", "-p", String(quick.ccPort), "-mi", "127.0.0.1", "-mp", String(quick.ccMediaPort), "-m", "1"], 30);
    const caller = startSipp(sc.dir, [
      "-sf", splitScenario(sc.dir, "uac_av_silent_until_bye.xml"), "-s", "110", "-i", "127.0.0.1", "-p", String(quick.callerPort),
      "-mi", "127.0.0.1", "-mp", String(quick.callerMediaPort), `127.0.0.1:${quick.sipPort}`, "-m", "1",
    ], 30);
    expect(await ended).toBe("media timeout");
    const [callerResult, ccResult] = await Promise.all([caller.done, cc.done]);
    expect(callerResult.code, callerResult.logs).toBe(0);
    expect(ccResult.code, ccResult.logs).toBe(0);
  } finally {
    await quick.stop();
    sc.cleanup();
  }
}, 60_000);

test("early media: the call center's announcement reaches the caller while it still rings (183 with SDP)", async () => {
  const sessions = fx.h.appliance.sessions!;
  const ringing = new Promise<string>((resolve) => {
    const onEvent = (e: { type: string; sessionId: string; state?: string }) => {
      if (e.type === "session.state" && e.state === "ringing") { sessions.off("event", onEvent); resolve(e.sessionId); }
    };
    sessions.on("event", onEvent);
  });
  const done = runCall("uac_av_media.xml", splitScenario(fx.scenarios.dir, "uas_cc_early_media.xml"), ["-d", "1000"]);
  const session = sessions.get(await ringing)!;
  const early = await pollUntil(() => ({ state: session.state, toCaller: session.mediaStats().callerAudio.tx.packets }), (v) => v.toCaller > 20, 5000, "announcement audio toward the caller");
  expect(early.state).toBe("ringing");
  const [caller, cc] = await done;
  expect(caller.code, caller.logs).toBe(0);
  expect(cc.code, cc.logs).toBe(0);
}, 60_000);
