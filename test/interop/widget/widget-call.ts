import { Database } from "bun:sqlite";
/**
 * Shared set-up of the widget interop tests: an appliance with a sipp call center naming agent 1001, a sipp
 * VoLTE caller (H.264 352x288 pcap) that stays until avsplit hangs up, and the agent's widget in Chromium.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import type { Page } from "playwright-core";
import { PEERS } from "../../support/peers.ts";
import { pollUntil } from "../../support/poll.ts";
import { AGENTS, callCenterScenario, splitScenario, type SplitHarness } from "../../support/split-harness.ts";
import { startSipp, type SippResult } from "../sip/sipp.ts";

export const AGENT = AGENTS[0];

export async function openWidget(page: Page, h: SplitHarness, query = ""): Promise<void> {
  await page.goto("about:blank");
  await page.goto(`https://127.0.0.1:${h.httpsPort}/agent/?agent=${AGENT.id}${query}#token=${AGENT.token}`);
  await pollUntil(() => page.evaluate(() => document.querySelector('[data-avsplit="agent"]')?.textContent), (s) => s === AGENT.id, 10_000, "the widget to connect");
}

export interface RunningCall {
  sessionId: string;
  /** Both sipp peers finished (caller, call center). */
  done: Promise<[SippResult, SippResult]>;
  /** Hangs up from the widget's button and waits for both sipp peers to finish. */
  hangup(): Promise<[SippResult, SippResult]>;
}

/** A caller scenario file (absolute path), or one from test/interop/widget/scenarios, else from the split tests' scenarios, ready for sipp. */
function callerScenarioFile(dir: string, name: string): string {
  if (isAbsolute(name)) return name;
  const own = join(import.meta.dir, "scenarios", name);
  if (!existsSync(own)) return splitScenario(dir, name);
  const file = join(dir, `widget-${name}`);
  writeFileSync(file, readFileSync(own, "utf8").replaceAll("@PEERS@", PEERS));
  return file;
}

/** Starts a call that lasts until the widget hangs up; resolves once the session is bound to the agent. */
export async function startCall(h: SplitHarness, scenarioDirPath: string, page: Pick<Page, "click">, callerScenario = "uac_av_media_until_bye.xml"): Promise<RunningCall> {
  const sessions = h.appliance.sessions!;
  const bound = new Promise<string>((resolve) => {
    const onEvent = (e: { type: string; sessionId: string }) => {
      if (e.type !== "session.bound") return;
      sessions.off("event", onEvent);
      resolve(e.sessionId);
    };
    sessions.on("event", onEvent);
  });
  const cc = startSipp(scenarioDirPath, [
    "-sf", callCenterScenario(scenarioDirPath, AGENT.id), "-i", "127.0.0.1", "-p", String(h.ccPort),
    "-mi", "127.0.0.1", "-mp", String(h.ccMediaPort), "-rtp_echo", "-m", "1",
  ], 40);
  const caller = startSipp(scenarioDirPath, [
    "-sf", callerScenarioFile(scenarioDirPath, callerScenario), "-s", "110", "-i", "127.0.0.1", "-p", String(h.callerPort),
    "-mi", "127.0.0.1", "-mp", String(h.callerMediaPort), `127.0.0.1:${h.sipPort}`, "-m", "1",
  ], 40);
  const done = Promise.all([caller.done, cc.done]);
  const sessionId = await untilBound(bound, done);
  return {
    sessionId,
    done,
    async hangup() {
      await page.click('[data-avsplit="hangup"]');
      return done;
    },
  };
}

/** The bound session's id; fails with the sipp peers' output if they end first or nothing binds within 20 s. */
async function untilBound(bound: Promise<string>, peers: Promise<[SippResult, SippResult]>): Promise<string> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error("no session was bound to the agent within 20 s")), 20_000);
  });
  const peersEnded = peers.then(([caller, cc]) => {
    throw new Error(`the sipp peers ended before a session was bound:\ncaller ${caller.code}: ${caller.stdout}${caller.logs}\ncall center ${cc.code}: ${cc.stdout}${cc.logs}`);
  });
  try {
    return await Promise.race([bound, timeout, peersEnded]);
  } finally {
    clearTimeout(timer);
  }
}

export const textOf = (page: Page, part: string) => page.evaluate((p) => document.querySelector(`[data-avsplit="${p}"]`)?.textContent ?? "", part);

/** The agent.display audit events of a session: what the caller was shown, in order. */
export function auditedSources(dataDir: string, sessionId: string): string[] {
  const db = new Database(`${dataDir}/avsplit.db`, { readonly: true });
  const rows = db.query<{ data: string }, [string]>("SELECT data FROM events WHERE session_id = ? AND type = 'agent.display' ORDER BY seq").all(sessionId);
  db.close();
  return rows.map((r) => JSON.parse(r.data).source);
}
