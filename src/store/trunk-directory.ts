/** The trunks table for the console: list with OPTIONS state, and the state recorder for the SIP UA's "trunk-state". */
import { asc, eq } from "drizzle-orm";
import type { AuditLog } from "./audit-log.ts";
import type { Db } from "./db.ts";
import { trunks } from "./schema.ts";

export type TrunkRecord = typeof trunks.$inferSelect;

export class TrunkDirectory {
  constructor(private readonly db: Db, private readonly audit?: AuditLog) {}

  list(): TrunkRecord[] {
    return this.db.select().from(trunks).orderBy(asc(trunks.name)).all();
  }

  /** Persists an OPTIONS up/down change (wire to `sip.ua.on("trunk-state", ...)`); audited only when it changes. */
  recordState(name: string, up: boolean, status: number, at = Date.now()): void {
    const state = up ? "up" : "down";
    const row = this.db.select({ state: trunks.state }).from(trunks).where(eq(trunks.name, name)).get();
    if (!row || row.state === state) return;
    this.db.update(trunks).set({ state, stateChangedAt: at }).where(eq(trunks.name, name)).run();
    this.audit?.append({ type: "trunk.state", actor: "system", ts: at, data: { trunk: name, state, status } });
  }
}
