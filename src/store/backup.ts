/** Online backup (VACUUM INTO: a consistent copy while the appliance runs) and offline restore. */
import type { Database } from "bun:sqlite";
import { Database as SqliteDatabase } from "bun:sqlite";
import { copyFileSync, existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import { dirname } from "node:path";
import { integrityCheck } from "./db.ts";

export function backupTo(sqlite: Database, target: string): void {
  if (existsSync(target)) throw new Error(`${target} already exists; choose a new file name`);
  sqlite.run("VACUUM INTO ?", [target]);
}

/** Replaces the database file with a backup after checking it; the old file is kept as <db>.before-restore. */
export function restoreFrom(backup: string, dbPath: string): void {
  const check = new SqliteDatabase(backup, { readonly: true });
  try {
    const result = integrityCheck(check);
    if (result !== "ok") throw new Error(`${backup} fails the integrity check: ${result}`);
    const hasEvents = check.query("SELECT 1 FROM sqlite_master WHERE name = 'events'").get();
    if (!hasEvents) throw new Error(`${backup} is not an avsplit database`);
  } finally {
    check.close();
  }
  mkdirSync(dirname(dbPath), { recursive: true });
  if (existsSync(dbPath)) renameSync(dbPath, dbPath + ".before-restore");
  for (const suffix of ["-wal", "-shm"]) rmSync(dbPath + suffix, { force: true });
  copyFileSync(backup, dbPath);
}
