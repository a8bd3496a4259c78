/**
 * A console app with every console dependency (history, trunks, settings, SIP trace, data dir) over an in-memory
 * store, plus a recorder for a realistic call: session events through the real SessionJournal and SIP messages
 * through the real SipTrace.
 */
import { parseConfigText, type LoadedConfig } from "../../../src/config/load.ts";
import { createApp } from "../../../src/http/app.ts";
import type { ConsoleDeps } from "../../../src/http/console/console-deps.ts";
import type { SessionEvent } from "../../../src/session/events.ts";
import { parseMessage } from "../../../src/sip/message/index.ts";
import { SipTrace } from "../../../src/sip/trace.ts";
import { ApiTokenRepository } from "../../../src/store/api-tokens.ts";
import { AuditLog } from "../../../src/store/audit-log.ts";
import { openStore } from "../../../src/store/db.ts";
import { syncProvisioned } from "../../../src/store/provisioning.ts";
import { mediaFiles } from "../../../src/store/schema.ts";
import { SessionHistory } from "../../../src/store/session-history.ts";
import { backupTo } from "../../../src/store/backup.ts";
import { SessionJournal } from "../../../src/store/session-journal.ts";
import { SessionRecords } from "../../../src/store/session-records.ts";
import { SettingsRepository } from "../../../src/store/settings.ts";
import { TrunkDirectory } from "../../../src/store/trunk-directory.ts";
import { UserRepository, type Role } from "../../../src/store/users.ts";
import { WebSessionRepository } from "../../../src/store/web-sessions.ts";
import { tempDir } from "../../support/temp-dir.ts";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export const TEST_CONFIG = `
[media]
rtp_ports = "30000-30999"

[[trunk]]
name = "sbc"
role = "caller"
allow = ["127.0.0.1/32"]

[[trunk]]
name = "cc"
role = "callcenter"
uri = "sip:110@127.0.0.1:5070"
`;

export function consoleFixture(opts: { config?: string; embedOrigins?: string[] } = {}) {
  const store = openStore(":memory:");
  const data = tempDir("avsplit-console-");
  const users = new UserRepository(store.db);
  const audit = new AuditLog(store.sqlite);
  const loaded: LoadedConfig = parseConfigText(opts.config ?? TEST_CONFIG, "/etc/avsplit/avsplit.toml");
  syncProvisioned(store.db, { trunks: loaded.config.trunk, agents: loaded.config.agent });
  // A clock that ticks 1 ms per message: the ladder orders messages of both Call-IDs by time.
  let tick = Date.parse("2026-11-20T08:00:00Z");
  const trace = new SipTrace({ clock: { now: () => tick++, setTimeout: () => { throw new Error("unused"); }, clearTimeout: () => undefined } });
  const liveStats = new Map<string, Record<string, unknown>>();
  const consoleDeps: ConsoleDeps = {
    nodeId: "test",
    audit,
    history: new SessionHistory(store.db, audit),
    trunks: new TrunkDirectory(store.db, audit),
    tokens: new ApiTokenRepository(store.sqlite),
    settings: new SettingsRepository(store.db),
    config: loaded,
    dataDir: data.path,
    trace,
    live: { mediaStats: (id) => liveStats.get(id) },
    system: {
      status: () => ({ state: "ready", version: "0.0.0-test", node: "test", uptimeS: 42, liveSessions: liveStats.size }),
      backup: (target) => backupTo(store.sqlite, target),
    },
  };
  const app = createApp({
    nodeId: "test",
    users,
    audit,
    webSessions: new WebSessionRepository(store.db),
    sessions: new SessionRecords(store.db),
    setupCode: () => (users.count() === 0 ? "setup-123" : undefined),
    health: { ready: () => true, details: () => ({}) },
    agents: { gateway: { connect: () => ({ receive() {}, disconnect() {} }) }, agentForToken: () => false, embedOrigins: opts.embedOrigins },
    console: consoleDeps,
  });
  const journal = new SessionJournal(store.sqlite, audit, "test");

  const client = () => {
    const jar = new Map<string, string>();
    const request = async (path: string, init: RequestInit & { form?: Record<string, string> } = {}) => {
      const headers = new Headers(init.headers);
      if (jar.size) headers.set("cookie", [...jar].map(([k, v]) => `${k}=${v}`).join("; "));
      let body = init.body;
      if (init.form) {
        body = new URLSearchParams(init.form).toString();
        headers.set("content-type", "application/x-www-form-urlencoded");
      }
      const res = await app.request(`https://avsplit.test${path}`, { ...init, headers, body, redirect: "manual" });
      for (const c of res.headers.getSetCookie()) {
        const [k, v] = c.split(";")[0].split("=");
        if (/max-age=0|expires=Thu, 01 Jan 1970/i.test(c)) jar.delete(k);
        else jar.set(k, v);
      }
      return res;
    };
    const signIn = (username: string, password = `${username}-password-123`) => request("/login", { method: "POST", form: { username, password } });
    /** The CSRF token from any page this user may open. */
    const csrf = async (page = "/console/sessions") => /name="_csrf" value="([^"]+)"/.exec(await (await request(page)).text())?.[1];
    return { request, signIn, csrf, jar };
  };

  const addUser = (username: string, role: Role, agentId?: string) => users.add({ username, role, password: `${username}-password-123`, agentId });

  const sip = (text: string) => parseMessage(new TextEncoder().encode(text.replace(/\n/g, "\r\n")));
  const callerEnd = { transport: "udp" as const, host: "127.0.0.1", port: 5080 };
  const ccEnd = { transport: "udp" as const, host: "127.0.0.1", port: 5070 };

  /** A call as the session layer reports it: caller INVITE -> call center 200 naming agent 1001 -> BYE. */
  const recordCall = (o: { id: string; at: number; caller: string; displayName?: string; agent?: string; answered?: boolean; endReason?: string }) => {
    const ev = (e: SessionEvent) => journal.record(e);
    const base = { sessionId: o.id };
    const callerCallId = `${o.id}-caller@127.0.0.1`;
    const ccCallId = `${o.id}-cc@127.0.0.1`;
    const name = o.displayName ?? "";
    ev({ ...base, at: o.at, type: "session.created", kind: "video", callerNumber: o.caller, callerDisplayName: o.displayName ?? null, trunk: "sbc" });
    ev({ ...base, at: o.at, type: "leg.started", legId: `${o.id}-l1`, kind: "caller", callId: callerCallId, remote: "udp:127.0.0.1:5080" });
    ev({ ...base, at: o.at + 5, type: "leg.started", legId: `${o.id}-l2`, kind: "callcenter", callId: ccCallId, remote: "udp:127.0.0.1:5070" });
    const invite = (callId: string, to: string) => sip(`INVITE sip:${to}@127.0.0.1 SIP/2.0
Via: SIP/2.0/UDP 127.0.0.1:5080;branch=z9hG4bK-${callId.length}
From: "${name.replace(/["\\]/g, "")}" <sip:${o.caller}@127.0.0.1>;tag=a1
To: <sip:${to}@127.0.0.1>
Call-ID: ${callId}
CSeq: 1 INVITE
Max-Forwards: 70
Content-Length: 0

`);
    const resp = (callId: string, status: string) => sip(`SIP/2.0 ${status}
Via: SIP/2.0/UDP 127.0.0.1:5080;branch=z9hG4bK-1
From: <sip:${o.caller}@127.0.0.1>;tag=a1
To: <sip:110@127.0.0.1>;tag=b2
Call-ID: ${callId}
CSeq: 1 INVITE
X-Agent-Id: ${o.agent ?? ""}
Content-Length: 0

`);
    trace.record("in", invite(callerCallId, "110"), callerEnd);
    trace.record("out", resp(callerCallId, "100 Trying"), callerEnd);
    trace.record("out", invite(ccCallId, "110"), ccEnd);
    if (o.answered !== false) {
      trace.record("in", resp(ccCallId, "200 OK"), ccEnd);
      trace.record("out", resp(callerCallId, "200 OK"), callerEnd);
      ev({ ...base, at: o.at + 900, type: "session.state", state: "connected" });
      if (o.agent) ev({ ...base, at: o.at + 900, type: "session.bound", agentId: o.agent, previousAgentId: null, source: "callcenter" });
    } else {
      trace.record("in", resp(ccCallId, "486 Busy Here"), ccEnd);
      trace.record("out", resp(callerCallId, "486 Busy Here"), callerEnd);
    }
    if (o.endReason) endCall(o.id, o.at + 60_000, o.endReason);
    journal.flush(); // the journal commits in batches on the next tick
    return { callerCallId, ccCallId };
  };

  const endCall = (id: string, at: number, reason: string) => {
    journal.record({ sessionId: id, at, type: "leg.ended", legId: `${id}-l1`, kind: "caller", reason, stats: { rx: { packets: 3000, lost: 2, jitterMs: 1.5 }, tx: { packets: 2990 } } });
    journal.record({ sessionId: id, at, type: "leg.ended", legId: `${id}-l2`, kind: "callcenter", reason });
    journal.record({ sessionId: id, at, type: "session.ended", reason });
    journal.flush();
  };

  /** A captured file under the data dir, listed in media_files. */
  const addMedia = (sessionId: string, id: string, kind: "screenshot" | "recording", bytes: Uint8Array, mime: string) => {
    const rel = join("media", sessionId, `${id}.bin`);
    mkdirSync(join(data.path, "media", sessionId), { recursive: true });
    writeFileSync(join(data.path, rel), bytes);
    const sha256 = new Bun.CryptoHasher("sha256").update(bytes).digest("hex");
    store.db.insert(mediaFiles).values({ id, sessionId, kind, path: rel, mime, bytes: bytes.length, sha256, createdAt: Date.now() }).run();
    return { rel, sha256 };
  };

  const close = () => { store.close(); data.cleanup(); };
  return { app, store, users, audit, trace, journal, consoleDeps, liveStats, dataDir: data.path, client, addUser, recordCall, endCall, addMedia, close };
}
