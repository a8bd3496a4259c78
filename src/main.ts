/**
 * The running appliance: opens the store, starts the HTTPS server (and, as they land, SIP and media),
 * and stops them in order: stop taking calls, drain, end what is left, flush the database.
 */
import { randomBytes, timingSafeEqual } from "node:crypto";
import { join } from "node:path";
import { applyConsoleSettings } from "./config/console-settings.ts";
import type { LoadedConfig } from "./config/load.ts";
import { parseHostPort } from "./config/net.ts";
import type { Config } from "./config/schema.ts";
import { createApp } from "./http/app.ts";
import { startHttpServers, type HttpServers } from "./http/server.ts";
import { loadOrCreateCertificate } from "./http/tls.ts";
import { createLogger, setLogLevel } from "./observability/log.ts";
import { metrics } from "./observability/metrics.ts";
import { AuditLog } from "./store/audit-log.ts";
import { openStore, type Store } from "./store/db.ts";
import { syncProvisioned } from "./store/provisioning.ts";
import { applyStagedRestore, backupTo } from "./store/backup.ts";
import { SessionJournal } from "./store/session-journal.ts";
import { WalCheckpointer } from "./store/wal-checkpointer.ts";
import { CallPlane } from "./call-plane.ts";
import type { SessionManager } from "./session/manager.ts";
import type { SipStack } from "./sip/index.ts";
import { SessionRecords } from "./store/session-records.ts";
import { ApiTokenRepository } from "./store/api-tokens.ts";
import { SessionHistory } from "./store/session-history.ts";
import { SipTraceArchive, SipTraceArchiver, traceWithArchive } from "./store/sip-trace-archive.ts";
import { TrunkDirectory } from "./store/trunk-directory.ts";
import { UserRepository } from "./store/users.ts";
import { WebSessionRepository } from "./store/web-sessions.ts";
import { SettingsRepository } from "./store/settings.ts";
import { MediaFileStore } from "./store/media-files.ts";
import { SwitchImageStore } from "./store/switch-image.ts";
import { RecordingStore } from "./store/recordings.ts";
import { RecordingRetention } from "./store/recording-retention.ts";
import { systemClock, type Clock } from "./util/clock.ts";
import { VERSION } from "./version.ts";

const log = createLogger("appliance");

export type ApplianceState = "starting" | "ready" | "draining" | "stopped";

/** Something that carries calls: it can refuse new ones, report how many are active, and end the rest. */
export interface CallCarrier {
  stopAccepting(): void;
  activeCalls(): number;
  /** Resolves once no call is active. */
  whenIdle(): Promise<void>;
  endAll(reason: string): Promise<void>;
  close(): Promise<void>;
}

const safeEqual = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

export function databasePath(dataDir: string): string {
  return join(dataDir, "avsplit.db");
}

const hostPort = (text: string) => {
  const r = parseHostPort(text);
  if (typeof r === "string") throw new Error(r);
  return r;
};

export class Appliance {
  private state: ApplianceState = "starting";
  private readonly startedAt = Date.now();
  private stopping?: Promise<void>;
  private readonly carriers: CallCarrier[] = [];
  private http?: HttpServers;
  private setupCode?: string;

  private calls?: CallPlane;
  private journal?: SessionJournal;
  private checkpointer?: WalCheckpointer;
  private traceArchiver?: SipTraceArchiver;
  private recordings?: RecordingStore;
  private retention?: RecordingRetention;
  /** Trunks of the config file and of the console; console changes apply to new calls at once. */
  readonly trunks: TrunkDirectory;
  private readonly history: SessionHistory;
  private readonly traceArchive: SipTraceArchive;

  private constructor(readonly loaded: LoadedConfig, readonly config: Config, readonly store: Store, readonly audit: AuditLog) {
    this.trunks = new TrunkDirectory(store.db, audit);
    this.history = new SessionHistory(store.db, audit);
    this.traceArchive = new SipTraceArchive(config.node.data_dir);
  }

  /** `callClock`: time for the SIP stack's and the sessions' timers (tests run it faster than real time). */
  static async start(loaded: LoadedConfig, options: { callClock?: Clock } = {}): Promise<Appliance> {
    setLogLevel(loaded.config.node.log_level);
    const dataDir = loaded.config.node.data_dir;
    const restored = applyStagedRestore(dataDir, databasePath(dataDir));
    const store = openStore(databasePath(dataDir));
    try {
      const effective = applyConsoleSettings(loaded, new SettingsRepository(store.db).all());
      for (const key of effective.ignored) log.warn("stored console setting ignored: the config file provisions it", { key });
      const config = effective.config;
      syncProvisioned(store.db, { trunks: config.trunk, agents: config.agent });
      const appliance = new Appliance(loaded, config, store, new AuditLog(store.sqlite));
      await appliance.startCalls(options.callClock);
      await appliance.startHttp();
      appliance.state = "ready";
      if (restored) appliance.audit.append({ type: "system.restored", actor: "system", data: { previous: `${databasePath(dataDir)}.before-restore` } });
      appliance.checkpointer = new WalCheckpointer(store.sqlite, databasePath(dataDir));
      appliance.audit.append({ type: "appliance.started", actor: "system", data: { version: VERSION, node: config.node.id, config: loaded.source } });
      log.info("avsplit ready", { version: VERSION, node: config.node.id, https: appliance.httpsUrl(), config: loaded.source, dataDir });
      return appliance;
    } catch (err) {
      store.close();
      throw err;
    }
  }

  private async startCalls(callClock: Clock = systemClock): Promise<void> {
    const { recording, node } = this.config;
    const files = { sqlite: this.store.sqlite, db: this.store.db, audit: this.audit, dataDir: node.data_dir, clock: systemClock };
    this.recordings = new RecordingStore(files);
    this.retention = new RecordingRetention(files, {
      retentionDays: recording.retention_days, maxDiskBytes: recording.max_disk_gb * 1e9,
    });
    this.retention.start();
    const calls = await CallPlane.start(this.config, this.trunks, { mode: recording.mode, storage: this.recordings }, callClock);
    this.calls = calls;
    const journal = new SessionJournal(this.store.sqlite, this.audit, this.config.node.id);
    calls.sessions.on("event", (e) => journal.record(e));
    this.journal = journal;
    calls.sip.ua.on("trunk-state", (name, up, status) => this.trunks.recordState(name, up, status));
    this.traceArchiver = new SipTraceArchiver(calls.sip.trace, this.traceArchive, this.history);
    calls.sessions.on("event", (e) => {
      if (e.type === "session.ended") this.traceArchiver?.sessionEnded(e.sessionId);
    });
    this.addCarrier(calls);
  }

  get sessions(): SessionManager | undefined { return this.calls?.sessions; }
  get sip(): SipStack | undefined { return this.calls?.sip; }

  private async startHttp(): Promise<void> {
    const c = this.config;
    const listen = hostPort(c.http.listen);
    const tls = await loadOrCreateCertificate({ certPath: c.http.tls_cert, keyPath: c.http.tls_key, dataDir: c.node.data_dir, hostname: c.node.id });
    const users = new UserRepository(this.store.db);
    if (users.count() === 0) {
      this.setupCode = randomBytes(6).toString("hex");
      log.warn("first start: no users yet. Open /setup on the console and enter this setup code", { setupCode: this.setupCode });
    }
    const app = createApp({
      nodeId: c.node.id,
      users,
      webSessions: new WebSessionRepository(this.store.db),
      sessions: new SessionRecords(this.store.db),
      audit: this.audit,
      setupCode: () => (users.count() === 0 ? this.setupCode : undefined),
      agents: {
        gateway: this.calls!.sessions.gateway,
        agentForToken: (agentId, token) => c.agent.some((a) => a.id === agentId && a.token !== "" && safeEqual(a.token, token)),
        embedOrigins: c.http.embed_origins,
        evidence: {
          files: new MediaFileStore(this.store.sqlite, this.store.db, this.audit, c.node.data_dir),
          audit: this.audit,
          sessionAgent: (id) => this.calls?.sessions.get(id)?.agentId,
          displayImagePath: () => {
            const images = new SwitchImageStore(c.node.data_dir);
            const image = images.current();
            return image && images.path(image);
          },
        },
      },
      console: {
        nodeId: c.node.id,
        audit: this.audit,
        history: this.history,
        trunks: this.trunks,
        settings: new SettingsRepository(this.store.db),
        config: this.loaded,
        dataDir: c.node.data_dir,
        tokens: new ApiTokenRepository(this.store.sqlite),
        trace: traceWithArchive(this.calls!.sip.trace, this.traceArchive),
        live: {
          mediaStats: (id) => this.calls?.sessions.get(id)?.mediaStats() as Record<string, unknown> | undefined,
          recording: (id) => this.calls?.sessions.get(id)?.isRecording,
          setRecording: (id, on, by) => this.calls!.sessions.setRecording(id, on, by),
        },
        system: {
          status: () => ({ state: this.state, version: VERSION, node: c.node.id, uptimeS: Math.round((Date.now() - this.startedAt) / 1000), liveSessions: this.calls?.sessions.list().length ?? 0 }),
          backup: (target) => backupTo(this.store.sqlite, target),
        },
      },
      health: {
        ready: () => this.state === "ready",
        details: () => ({ state: this.state, version: VERSION, node: c.node.id, uptime_s: Math.round((Date.now() - this.startedAt) / 1000) }),
      },
    });
    this.http = startHttpServers(app, { ...listen, tls, redirect: c.http.redirect_listen ? hostPort(c.http.redirect_listen) : undefined });
    metrics.gauge("avsplit_up", "1 while the appliance is ready").collect(() => (this.state === "ready" ? 1 : 0));
    metrics.gauge("process_resident_memory_bytes", "Resident memory size in bytes").collect(() => process.memoryUsage.rss());
  }

  httpsUrl(): string {
    return `https://${this.config.http.listen.replace(/^0\.0\.0\.0:/, "127.0.0.1:").replace(/:\d+$/, "")}:${this.http?.https.port}`;
  }

  get httpsPort(): number | undefined { return this.http?.https.port; }
  get redirectPort(): number | undefined { return this.http?.redirect?.port; }
  get currentState(): ApplianceState { return this.state; }

  addCarrier(carrier: CallCarrier): void {
    this.carriers.push(carrier);
  }

  /** Graceful stop; idempotent. Resolves when everything is closed and the database flushed. */
  stop(drainMs = this.config.node.drain_s * 1000): Promise<void> {
    this.stopping ??= this.doStop(drainMs);
    return this.stopping;
  }

  private async doStop(drainMs: number): Promise<void> {
    this.state = "draining";
    for (const c of this.carriers) c.stopAccepting();
    const active = () => this.carriers.reduce((n, c) => n + c.activeCalls(), 0);
    log.info("draining", { activeCalls: active(), drainMs });
    let timer: Timer | undefined;
    const drained = Promise.all(this.carriers.map((c) => c.whenIdle()));
    await Promise.race([drained, new Promise<void>((resolve) => (timer = setTimeout(resolve, drainMs)))]);
    clearTimeout(timer);
    if (active() > 0) await Promise.all(this.carriers.map((c) => c.endAll("shutdown")));
    await Promise.all(this.carriers.map((c) => c.close()));
    await this.http?.stop();
    this.retention?.close();
    await this.recordings?.idle();
    this.journal?.flush();
    await this.traceArchiver?.close();
    await this.checkpointer?.stop();
    this.audit.append({ type: "appliance.stopped", actor: "system", data: { node: this.config.node.id } });
    this.store.close();
    this.state = "stopped";
    log.info("stopped");
  }
}
