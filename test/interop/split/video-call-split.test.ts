/**
 * Flows 1, 2 and 7 end to end: a sipp VoLTE caller (audio tone + H.264 pcap) calls in; avsplit places an
 * audio-only call to a sipp call center that names agent 1001; agent 1001's widget in headless Chromium gets
 * the caller's video and sends its fake camera back; the caller's BYE ends everything.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { pollUntil } from "../../support/poll.ts";
import { launchChromium, type ChromiumSession } from "../../support/chromium.ts";
import { AGENTS, callCenterScenario, startSplitHarness, type SplitHarness } from "../../support/split-harness.ts";
import { runSipp, scenarioDir, startSipp } from "../sip/sipp.ts";

let h: SplitHarness;
let browser: ChromiumSession;
let scenarios: { dir: string; cleanup(): void };

beforeAll(async () => {
  h = await startSplitHarness();
  scenarios = scenarioDir();
  browser = await launchChromium({ args: ["--ignore-certificate-errors"] });
});

afterAll(async () => {
  await browser?.close();
  await h?.stop();
  scenarios?.cleanup();
});

/** framesDecoded of the widget's caller video (0 while there is none). */
const framesDecoded = () =>
  browser.page.evaluate(async () => {
    const pc = (window as unknown as { avsplit: { pc: RTCPeerConnection | null } }).avsplit.pc;
    if (!pc) return { frames: 0, width: 0 };
    for (const r of (await pc.getStats()).values()) {
      if (r.type === "inbound-rtp" && r.kind === "video") return { frames: r.framesDecoded ?? 0, width: r.frameWidth ?? 0 };
    }
    return { frames: 0, width: 0 };
  });

test("caller video reaches the agent's browser, agent video and audio flow back, BYE ends every leg", async () => {
  const agent = AGENTS[0];
  await browser.page.goto(h.agentUrl(agent.id, agent.token));
  await browser.page.waitForFunction(() => document.querySelector('[data-avsplit="status"]')?.textContent?.includes("1001"), null, { timeout: 10_000 });

  const cc = startSipp(scenarios.dir, [
    "-sf", callCenterScenario(scenarios.dir, agent.id), "-i", "127.0.0.1", "-p", String(h.ccPort),
    "-mi", "127.0.0.1", "-mp", String(h.ccMediaPort), "-rtp_echo", "-m", "1",
  ], 40);
  const caller = startSipp(scenarios.dir, [
    "-sf", "uac_av_media.xml", "-s", "110", "-i", "127.0.0.1", "-p", String(h.callerPort),
    "-mi", "127.0.0.1", "-mp", String(h.callerMediaPort), `127.0.0.1:${h.sipPort}`, "-m", "1", "-d", "8000",
  ], 40);

  const decoded = await pollUntil(framesDecoded, (d) => d.frames > 10, 20_000, "the widget to decode the caller's video");
  expect(decoded.width).toBe(352);

  const [session] = h.appliance.sessions!.list();
  expect(session.agentId).toBe(agent.id);
  const stats = session.mediaStats();
  expect(stats.callerAudio.rx.packets).toBeGreaterThan(20);
  expect(stats.callcenterAudio.tx.packets).toBeGreaterThan(20);
  expect(stats.callcenterAudio.rx.packets).toBeGreaterThan(20);
  expect(stats.callerAudio.tx.packets).toBeGreaterThan(20);
  expect(stats.callerVideo!.rx.packets).toBeGreaterThan(50);
  expect(stats.callerVideo!.tx.packets).toBeGreaterThan(10);

  const [callerResult, ccResult] = await Promise.all([caller.done, cc.done]);
  expect(callerResult.code, callerResult.logs).toBe(0);
  expect(ccResult.code, ccResult.logs).toBe(0);
  await h.appliance.sessions!.whenIdle();
  await browser.page.waitForFunction(() => document.querySelector('[data-avsplit="status"]')?.textContent === "等待来电", null, { timeout: 5000 });

  const db = new Database(`${h.dataDir}/avsplit.db`, { readonly: true });
  const row = db.query<{ state: string; agent_id: string; caller_number: string; end_reason: string }, [string]>("SELECT * FROM sessions WHERE id = ?").get(session.id)!;
  expect(row).toMatchObject({ state: "ended", agent_id: "1001", caller_number: "+33600000001", end_reason: "caller remote-bye" });
  const types = db.query<{ type: string }, [string]>("SELECT type FROM events WHERE session_id = ? ORDER BY seq").all(session.id).map((r) => r.type);
  expect(types[0]).toBe("session.created");
  expect(types).toContain("session.bound");
  expect(types.indexOf("session.bound")).toBeLessThan(types.lastIndexOf("leg.started"));
  expect(types.at(-1)).toBe("session.ended");
  const legs = db.query<{ kind: string; state: string }, [string]>("SELECT kind, state FROM legs WHERE session_id = ? ORDER BY started_at").all(session.id);
  expect(legs.map((l) => l.kind).sort()).toEqual(["agent", "callcenter", "caller"]);
  expect(legs.every((l) => l.state === "ended")).toBe(true);
  db.close();
}, 90_000);
