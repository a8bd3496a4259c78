/**
 * The trunks table: the config file's trunks (provisioned, read-only) and those added in the console, with their
 * OPTIONS state. Emits "changed" when a console trunk is added, edited or removed, so the call plane applies it live.
 */
import { and, asc, desc, eq, max } from "drizzle-orm";
import type { TrunkConfig } from "../config/schema.ts";
import { TypedEmitter } from "../util/typed-emitter.ts";
import type { AuditLog } from "./audit-log.ts";
import type { Db } from "./db.ts";
import { trunks } from "./schema.ts";

export type TrunkRecord = typeof trunks.$inferSelect;

export class TrunkEditError extends Error {}

/** What the audit log keeps of a trunk: everything but the digest password. */
const audited = (t: TrunkConfig) => ({ ...t, auth_password: t.auth_password ? "(secret)" : "" });

export class TrunkDirectory extends TypedEmitter<{ changed: [] }> {
  constructor(private readonly db: Db, private readonly audit?: AuditLog) {
    super();
  }

  list(): TrunkRecord[] {
    return this.db.select().from(trunks).orderBy(asc(trunks.name)).all();
  }

  get(name: string): TrunkRecord | undefined {
    return this.db.select().from(trunks).where(eq(trunks.name, name)).get();
  }

  /** Trunks added in the console, most recently saved first. */
  consoleTrunks(): TrunkConfig[] {
    return this.db.select().from(trunks).where(eq(trunks.provisioned, false)).orderBy(desc(trunks.updatedAt), asc(trunks.name)).all().map((r) => r.config as TrunkConfig);
  }

  /** Adds or replaces a console trunk (validated by the caller); a provisioned name is refused. Audited. */
  save(trunk: TrunkConfig, actor: string): "added" | "updated" {
    const existing = this.get(trunk.name);
    if (existing?.provisioned) throw new TrunkEditError(`trunk "${trunk.name}" is provisioned by the config file (read-only)`);
    // Strictly after every other save: "most recently saved first" must not depend on two saves' milliseconds.
    const latest = this.db.select({ at: max(trunks.updatedAt) }).from(trunks).get()?.at ?? 0;
    const now = Math.max(Date.now(), latest + 1);
    if (existing) {
      this.db.update(trunks).set({ role: trunk.role, config: trunk, updatedAt: now }).where(eq(trunks.name, trunk.name)).run();
    } else {
      this.db.insert(trunks).values({ name: trunk.name, role: trunk.role, config: trunk, provisioned: false, updatedAt: now }).run();
    }
    const outcome = existing ? "updated" : "added";
    this.audit?.append({ type: `config.trunk_${outcome}`, actor, data: existing ? { from: audited(existing.config as TrunkConfig), to: audited(trunk) } : audited(trunk) });
    this.emit("changed");
    return outcome;
  }

  /** Removes a console trunk; provisioned ones are read-only. Audited. */
  remove(name: string, actor: string): void {
    const existing = this.get(name);
    if (!existing) throw new TrunkEditError(`no trunk "${name}"`);
    if (existing.provisioned) throw new TrunkEditError(`trunk "${name}" is provisioned by the config file (read-only)`);
    this.db.delete(trunks).where(and(eq(trunks.name, name), eq(trunks.provisioned, false))).run();
    this.audit?.append({ type: "config.trunk_removed", actor, data: audited(existing.config as TrunkConfig) });
    this.emit("changed");
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
