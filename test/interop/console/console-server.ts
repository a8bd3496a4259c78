/**
 * The console with every dependency, served over HTTPS on a free port, reading a real running appliance
 * (its store, audit log, SIP trace and sessions) — the wiring src/main.ts is asked to do (requests-lead.md).
 */
import type { LoadedConfig } from "../../../src/config/load.ts";
import { createApp } from "../../../src/http/app.ts";
import { startHttpServers, type HttpServers } from "../../../src/http/server.ts";
import { loadOrCreateCertificate } from "../../../src/http/tls.ts";
import type { Appliance } from "../../../src/main.ts";
import { ApiTokenRepository } from "../../../src/store/api-tokens.ts";
import { SessionHistory } from "../../../src/store/session-history.ts";
import { SessionRecords } from "../../../src/store/session-records.ts";
import { SettingsRepository } from "../../../src/store/settings.ts";
import { TrunkDirectory } from "../../../src/store/trunk-directory.ts";
import { UserRepository } from "../../../src/store/users.ts";
import { WebSessionRepository } from "../../../src/store/web-sessions.ts";
import { freeTcpPort } from "../../support/free-port.ts";

export const SETUP_CODE = "console-setup-code";

export async function serveConsole(appliance: Appliance, loaded: LoadedConfig): Promise<{ url: string; servers: HttpServers; users: UserRepository }> {
  const { store, audit, config } = appliance;
  const users = new UserRepository(store.db);
  const trunks = new TrunkDirectory(store.db, audit);
  appliance.sip!.ua.on("trunk-state", (name, up, status) => trunks.recordState(name, up, status));
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
