/** What the appliance's database says about one session: its row, its legs and its audit events in order. */
import { Database } from "bun:sqlite";

export interface SessionRecord {
  session: { state: string; end_reason: string | null; agent_id: string | null; answered_at: number | null; ended_at: number | null };
  legs: { kind: string; state: string; end_reason: string | null }[];
  events: { type: string; data: Record<string, unknown> }[];
}

export function sessionRecord(dataDir: string, sessionId: string): SessionRecord {
  const db = new Database(`${dataDir}/avsplit.db`, { readonly: true });
  try {
    const session = db.query<SessionRecord["session"], [string]>("SELECT state, end_reason, agent_id, answered_at, ended_at FROM sessions WHERE id = ?").get(sessionId);
    if (!session) throw new Error(`no session ${sessionId} in the database`);
    const legs = db.query<SessionRecord["legs"][number], [string]>("SELECT kind, state, end_reason FROM legs WHERE session_id = ? ORDER BY kind").all(sessionId);
    const events = db.query<{ type: string; data: string }, [string]>("SELECT type, data FROM events WHERE session_id = ? ORDER BY seq").all(sessionId)
      .map((e) => ({ type: e.type, data: JSON.parse(e.data) as Record<string, unknown> }));
    return { session, legs, events };
  } finally {
    db.close();
  }
}
