/**
 * Persists session events: one audit event each (hash-chained), plus the current state in sessions/legs.
 * Both writes share one transaction, so the tables never disagree with the audit log. Events raised in one turn of
 * the event loop (a SIP message typically raises several) are committed together at the end of that turn: a
 * commit is the expensive part (WAL frames for every touched page), and a call raises about a dozen events.
 */
import type { Database, Statement } from "bun:sqlite";
import type { SessionEvent } from "../session/events.ts";
import type { AuditLog } from "./audit-log.ts";

type Row = (string | number | null)[];

export class SessionJournal {
  private readonly write: (batch: SessionEvent[]) => void;
  private pending: SessionEvent[] = [];
  private scheduled: ReturnType<typeof setImmediate> | undefined;
  private readonly stmt: Record<"createSession" | "setState" | "setAnswered" | "bind" | "endSession" | "addLeg" | "setLegState" | "endLeg", Statement<unknown, Row>>;

  constructor(sqlite: Database, private readonly audit: AuditLog, private readonly nodeId: string) {
    const q = (sql: string) => sqlite.prepare<unknown, Row>(sql);
    this.stmt = {
      createSession: q("INSERT INTO sessions (id, node_id, kind, state, caller_number, caller_display_name, started_at) VALUES (?, ?, ?, 'routing', ?, ?, ?)"),
      setState: q("UPDATE sessions SET state = ? WHERE id = ?"),
      setAnswered: q("UPDATE sessions SET state = ?, answered_at = ? WHERE id = ?"),
      bind: q("UPDATE sessions SET agent_id = ? WHERE id = ?"),
      endSession: q("UPDATE sessions SET state = 'ended', ended_at = ?, end_reason = ? WHERE id = ?"),
      addLeg: q("INSERT INTO legs (id, session_id, kind, call_id, remote, state, started_at) VALUES (?, ?, ?, ?, ?, 'offered', ?)"),
      setLegState: q("UPDATE legs SET state = ? WHERE id = ?"),
      endLeg: q("UPDATE legs SET state = 'ended', ended_at = ?, end_reason = ?, stats = ? WHERE id = ?"),
    };
    const tx = sqlite.transaction((batch: SessionEvent[]) => {
      for (const e of batch) {
        this.apply(e);
        const { type, sessionId, at, ...data } = e;
        const actor = e.type === "session.bound" && e.by ? e.by : "system";
        this.audit.appendWithin({ type, actor, sessionId, ts: at, data });
      }
    });
    this.write = (batch) => tx.immediate(batch);
  }

  record(e: SessionEvent): void {
    this.pending.push(e);
    this.scheduled ??= setImmediate(() => this.flush());
  }

  /** Commits what is pending now (also at shutdown, before the database closes). */
  flush(): void {
    if (this.scheduled) clearImmediate(this.scheduled);
    this.scheduled = undefined;
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    this.write(batch);
  }

  private apply(e: SessionEvent): void {
    const s = this.stmt;
    switch (e.type) {
      case "session.created":
        s.createSession.run(e.sessionId, this.nodeId, e.kind, e.callerNumber, e.callerDisplayName, e.at);
        return;
      case "session.state":
        if (e.state === "connected") s.setAnswered.run(e.state, e.at, e.sessionId);
        else s.setState.run(e.state, e.sessionId);
        return;
      case "session.bound":
        s.bind.run(e.agentId, e.sessionId);
        return;
      case "session.ended":
        s.endSession.run(e.at, e.reason, e.sessionId);
        return;
      case "leg.started":
        s.addLeg.run(e.legId, e.sessionId, e.kind, e.callId, e.remote, e.at);
        return;
      case "leg.state":
        s.setLegState.run(e.state, e.legId);
        return;
      case "leg.ended":
        s.endLeg.run(e.at, e.reason, e.stats ? JSON.stringify(e.stats) : null, e.legId);
        return;
      case "media.video":
      case "caller.location":
        return;
    }
  }
}
