/** Read side of the sessions and legs tables, for the console and API. */
import { desc, eq, isNull } from "drizzle-orm";
import type { Db } from "./db.ts";
import { legs, sessions } from "./schema.ts";

export type SessionRecord = typeof sessions.$inferSelect;
export type LegRecord = typeof legs.$inferSelect;

export class SessionRecords {
  constructor(private readonly db: Db) {}

  active(): (SessionRecord & { legs: LegRecord[] })[] {
    const rows = this.db.select().from(sessions).where(isNull(sessions.endedAt)).orderBy(desc(sessions.startedAt)).all();
    return rows.map((s) => ({ ...s, legs: this.db.select().from(legs).where(eq(legs.sessionId, s.id)).all() }));
  }
}
