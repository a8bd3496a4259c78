/** Mirrors the trunks and agents declared in avsplit.toml into the store, marked provisioned (read-only in the console). */
import { and, eq, notInArray } from "drizzle-orm";
import type { Db } from "./db.ts";
import { agents, trunks } from "./schema.ts";

export interface ProvisionedTrunk { name: string; role: "caller" | "callcenter" | "party"; [key: string]: unknown }
export interface ProvisionedAgent { id: string; name: string; token: string }

const sha256 = (s: string) => new Bun.CryptoHasher("sha256").update(s).digest("hex");

export function syncProvisioned(db: Db, input: { trunks: ProvisionedTrunk[]; agents: ProvisionedAgent[] }): void {
  db.transaction((tx) => {
    for (const t of input.trunks) {
      tx.insert(trunks)
        .values({ name: t.name, role: t.role, config: t, provisioned: true })
        .onConflictDoUpdate({ target: trunks.name, set: { role: t.role, config: t, provisioned: true, updatedAt: Date.now() } })
        .run();
    }
    const trunkNames = input.trunks.map((t) => t.name);
    tx.delete(trunks).where(and(eq(trunks.provisioned, true), trunkNames.length ? notInArray(trunks.name, trunkNames) : undefined)).run();
    for (const a of input.agents) {
      const tokenHash = a.token ? sha256(a.token) : null;
      tx.insert(agents)
        .values({ id: a.id, name: a.name, tokenHash, provisioned: true })
        .onConflictDoUpdate({ target: agents.id, set: { name: a.name, tokenHash, provisioned: true } })
        .run();
    }
  });
}
