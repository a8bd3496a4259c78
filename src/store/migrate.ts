/** Applies the embedded drizzle-kit migrations in order, each in its own transaction. */
import type { Database } from "bun:sqlite";
import { createHash } from "node:crypto";
import { embeddedMigrations } from "./migrations.generated.ts";

export interface Migration { tag: string; sql: string }

export interface MigrationResult { applied: string[]; current: string | null }

const BREAKPOINT = "--> statement-breakpoint";

export function appliedMigrations(sqlite: Database): string[] {
  sqlite.run(
    "CREATE TABLE IF NOT EXISTS __avsplit_migrations (id INTEGER PRIMARY KEY, tag TEXT NOT NULL UNIQUE, sha256 TEXT NOT NULL, applied_at INTEGER NOT NULL)",
  );
  return sqlite.query<{ tag: string }, []>("SELECT tag FROM __avsplit_migrations ORDER BY id").all().map((r) => r.tag);
}

/** `upTo` (a tag) stops after that migration: used by tests and by restores of older backups. */
export function migrate(sqlite: Database, migrations: Migration[] = embeddedMigrations, upTo?: string): MigrationResult {
  const done = appliedMigrations(sqlite);
  const known = new Set(migrations.map((m) => m.tag));
  const unknown = done.filter((t) => !known.has(t));
  if (unknown.length) throw new Error(`database has migrations this build does not know (${unknown.join(", ")}): it was written by a newer avsplit`);
  const applied: string[] = [];
  for (const m of migrations) {
    if (done.includes(m.tag)) continue;
    const statements = m.sql.split(BREAKPOINT).map((s) => s.trim()).filter(Boolean);
    sqlite.transaction(() => {
      for (const s of statements) sqlite.run(s);
      sqlite.run("INSERT INTO __avsplit_migrations (tag, sha256, applied_at) VALUES (?, ?, ?)", [
        m.tag,
        createHash("sha256").update(m.sql).digest("hex"),
        Date.now(),
      ]);
    })();
    applied.push(m.tag);
    if (m.tag === upTo) break;
  }
  const all = appliedMigrations(sqlite);
  return { applied, current: all.at(-1) ?? null };
}
