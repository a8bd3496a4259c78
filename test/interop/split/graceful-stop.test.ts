/**
 * SIGTERM semantics (Appliance.stop): new calls are refused with 503 at once, /readyz turns 503, calls in progress
 * continue for the drain time and are then ended with BYE on both sides; the database is closed cleanly.
 */
import { expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { callCenterScenario, splitScenario, startSplitHarness } from "../../support/split-harness.ts";
import { freePorts, scenarioDir, startSipp } from "../sip/sipp.ts";

test("draining: a call in progress is ended after the drain time, a new one gets 503", async () => {
  const h = await startSplitHarness();
  const sc = scenarioDir();
  try {
    const sessions = h.appliance.sessions!;
    const connected = new Promise<void>((resolve) => sessions.on("event", (e) => e.type === "session.state" && e.state === "connected" && resolve()));
    const cc = startSipp(sc.dir, ["-sf", callCenterScenario(sc.dir, "1001"), "-i", "127.0.0.1", "-p", String(h.ccPort), "-mi", "127.0.0.1", "-mp", String(h.ccMediaPort), "-rtp_echo", "-m", "1"], 30);
    const first = startSipp(sc.dir, [
      "-sf", splitScenario(sc.dir, "uac_av_media_until_bye.xml"), "-s", "110", "-i", "127.0.0.1", "-p", String(h.callerPort),
      "-mi", "127.0.0.1", "-mp", String(h.callerMediaPort), `127.0.0.1:${h.sipPort}`, "-m", "1",
    ], 30);
    await connected;

    const drainMs = 2500;
    const started = Date.now();
    const stopped = h.appliance.stop(drainMs);
    expect(h.appliance.currentState).toBe("draining");
    const [port, mediaPort] = [await freePorts(1), await freePorts(4)];
    const second = startSipp(sc.dir, [
      "-sf", splitScenario(sc.dir, "uac_av_refused.xml", { STATUS: "503" }), "-s", "110", "-i", "127.0.0.1", "-p", String(port),
      "-mi", "127.0.0.1", "-mp", String(mediaPort), `127.0.0.1:${h.sipPort}`, "-m", "1",
    ], 30);
    const refused = await second.done;
    expect(refused.code, refused.logs).toBe(0);
    expect(sessions.activeCalls()).toBe(1);

    await stopped;
    expect(Date.now() - started).toBeGreaterThanOrEqual(drainMs - 50);
    const [callerResult, ccResult] = await Promise.all([first.done, cc.done]);
    expect(callerResult.code, callerResult.logs).toBe(0);
    expect(ccResult.code, ccResult.logs).toBe(0);
    const db = new Database(`${h.dataDir}/avsplit.db`, { readonly: true });
    expect(db.query("SELECT end_reason FROM sessions").all()).toEqual([{ end_reason: "shutdown" }]);
    expect(db.query("PRAGMA integrity_check").get()).toEqual({ integrity_check: "ok" });
    db.close();
  } finally {
    await h.stop();
    sc.cleanup();
  }
}, 60_000);
