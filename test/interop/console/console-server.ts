/**
 * The console with every dependency, served over HTTPS on a free port, reading a real running appliance
 * (its store, audit log, SIP trace and sessions) — the wiring src/main.ts is asked to do (requests-lead.md).
 */
import { expect } from "bun:test";
import type { Page } from "playwright-core";
import type { LoadedConfig } from "../../../src/config/load.ts";
import { createApp } from "../../../src/http/app.ts";
import { startHttpServers, type HttpServers } from "../../../src/http/server.ts";
import { loadOrCreateCertificate } from "../../../src/http/tls.ts";
import type { Appliance } from "../../../src/main.ts";
import { ApiTokenRepository } from "../../../src/store/api-tokens.ts";
import { SessionHistory } from "../../../src/store/session-history.ts";
import { SessionRecords } from "../../../src/store/session-records.ts";
import { SettingsRepository } from "../../../src/store/settings.ts";
import { UserRepository } from "../../../src/store/users.ts";
import { WebSessionRepository } from "../../../src/store/web-sessions.ts";
import { freeTcpPort } from "../../support/free-port.ts";
import { splitScenario, type SplitHarness } from "../../support/split-harness.ts";
import { startSipp } from "../sip/sipp.ts";

export const SETUP_CODE = "console-setup-code";

export async function serveConsole(appliance: Appliance, loaded: LoadedConfig): Promise<{ url: string; servers: HttpServers; users: UserRepository }> {
  const { store, audit, config, trunks } = appliance;
  const users = new UserRepository(store.db);
  const app = createApp({
    nodeId: config.node.id,
    users,
    audit,
    webSessions: new WebSessionRepository(store.db),
    sessions: new SessionRecords(store.db),
    setupCode: () => (users.count() === 0 ? SETUP_CODE : undefined),
    health: { ready: () => true, details: () => ({}) },
    agents: { gateway: appliance.sessions!.gateway, agentForToken: () => false },
    console: {
      nodeId: config.node.id, audit, history: new SessionHistory(store.db, audit), trunks, settings: new SettingsRepository(store.db),
      config: loaded, dataDir: config.node.data_dir, tokens: new ApiTokenRepository(store.sqlite), trace: appliance.sip!.trace,
      live: { mediaStats: (id) => appliance.sessions?.get(id)?.mediaStats() as Record<string, unknown> | undefined },
    },
  });
  const tls = await loadOrCreateCertificate({ certPath: "", keyPath: "", dataDir: config.node.data_dir, hostname: "localhost" });
  const port = await freeTcpPort();
  const servers = startHttpServers(app, { host: "127.0.0.1", port, tls });
  return { url: `https://127.0.0.1:${port}`, servers, users };
}

/**
 * One real call: a sipp caller (`callerXml`, default uac_av_media_until_bye.xml) -> avsplit -> a sipp call center on
 * `cc` (default the harness's provisioned one) that answers naming agent 1001 and hangs up. Resolves with the session
 * id once the session ended; both sipp runs must succeed (the call center's proves the call reached it).
 */
export async function callThrough(h: SplitHarness, scenarioDir: string, opts: { callerXml?: string; cc?: { port: number; mediaPort: number } } = {}): Promise<string> {
  const cc = opts.cc ?? { port: h.ccPort, mediaPort: h.ccMediaPort };
  const ended = new Promise<string>((resolve) => h.appliance.sessions!.on("event", (e) => e.type === "session.ended" && resolve(e.sessionId)));
  const uas = startSipp(scenarioDir, ["-sf", splitScenario(scenarioDir, "uas_cc_hangs_up.xml", { AGENT: "1001" }), "-i", "127.0.0.1", "-p", String(cc.port), "-mi", "127.0.0.1", "-mp", String(cc.mediaPort), "-rtp_echo", "-m", "1"], 30);
  const callerXml = opts.callerXml ?? splitScenario(scenarioDir, "uac_av_media_until_bye.xml");
  const caller = startSipp(scenarioDir, ["-sf", callerXml, "-s", "110", "-i", "127.0.0.1", "-p", String(h.callerPort), "-mi", "127.0.0.1", "-mp", String(h.callerMediaPort), `127.0.0.1:${h.sipPort}`, "-m", "1"], 30);
  const [c1, c2] = await Promise.all([caller.done, uas.done]);
  expect(c1.code, c1.logs).toBe(0);
  expect(c2.code, c2.logs).toBe(0);
  return ended;
}

export async function signInAt(page: Page, consoleUrl: string, username: string, password: string): Promise<void> {
  await page.goto(`${consoleUrl}/login`);
  await page.fill('input[name="username"]', username);
  await page.fill('input[name="password"]', password);
  await Promise.all([page.waitForLoadState("load"), page.click('button[type="submit"]')]);
}
