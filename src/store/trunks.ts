/** Trunks as the console shows them: settings plus the OPTIONS keep-alive state. */
import { asc, eq } from "drizzle-orm";
import type { Db } from "./db.ts";
import { trunks } from "./schema.ts";

export type TrunkRecord = typeof trunks.$inferSelect;

export class TrunkRepository {
  constructor(private readonly db: Db) {}

  list(): TrunkRecord[] {
    return this.db.select().from(trunks).orderBy(asc(trunks.name)).all();
  }

  /** Returns true when the state changed (so the caller audits only changes). */
  setState(name: string, state: "up" | "down"): boolean {
    const row = this.db.select({ state: trunks.state }).from(trunks).where(eq(trunks.name, name)).get();
    if (!row || row.state === state) return false;
    this.db.update(trunks).set({ state, stateChangedAt: Date.now() }).where(eq(trunks.name, name)).run();
    return true;
  }
}
