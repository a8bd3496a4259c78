/**
 * Persists session events: one audit event each (hash-chained), plus the current state in sessions/legs.
 * Both writes share a transaction, so the tables never disagree with the audit log.
 */
import type { Database } from "bun:sqlite";
import { eq } from "drizzle-orm";
import type { SessionEvent } from "../session/events.ts";
import type { AuditLog } from "./audit-log.ts";
import type { Db } from "./db.ts";
import { legs, sessions } from "./schema.ts";

export class SessionJournal {
  constructor(
    private readonly sqlite: Database,
    private readonly db: Db,
    private readonly audit: AuditLog,
    private readonly nodeId: string,
  ) {}

  record(e: SessionEvent): void {
    this.sqlite.transaction(() => {
      this.apply(e);
      const { type, sessionId, at, ...data } = e;
      const actor = e.type === "session.bound" && e.by ? e.by : "system";
      this.audit.append({ type, actor, sessionId, ts: at, data });
    }).immediate();
  }

  private apply(e: SessionEvent): void {
    switch (e.type) {
      case "session.created":
        this.db.insert(sessions).values({
          id: e.sessionId, nodeId: this.nodeId, kind: e.kind, state: "routing", callerNumber: e.callerNumber,
          callerDisplayName: e.callerDisplayName, startedAt: e.at,
        }).run();
        return;
      case "session.state":
        this.db.update(sessions).set({ state: e.state, ...(e.state === "connected" ? { answeredAt: e.at } : {}) }).where(eq(sessions.id, e.sessionId)).run();
        return;
      case "session.bound":
        this.db.update(sessions).set({ agentId: e.agentId }).where(eq(sessions.id, e.sessionId)).run();
        return;
      case "session.ended":
        this.db.update(sessions).set({ state: "ended", endedAt: e.at, endReason: e.reason }).where(eq(sessions.id, e.sessionId)).run();
        return;
      case "leg.started":
        this.db.insert(legs).values({ id: e.legId, sessionId: e.sessionId, kind: e.kind, callId: e.callId, remote: e.remote, state: "offered", startedAt: e.at }).run();
        return;
      case "leg.state":
        this.db.update(legs).set({ state: e.state }).where(eq(legs.id, e.legId)).run();
        return;
      case "leg.ended":
        this.db.update(legs).set({ state: "ended", endedAt: e.at, endReason: e.reason, stats: e.stats ?? null }).where(eq(legs.id, e.legId)).run();
        return;
      case "media.video":
        return;
    }
  }
}
