/**
 * Online backup (VACUUM INTO: a consistent copy while the appliance runs) and offline restore, either at once (CLI,
 * service stopped) or staged by the console and applied at the next start, before the database opens.
 */
import type { Database } from "bun:sqlite";
import { Database as SqliteDatabase } from "bun:sqlite";
import { copyFileSync, existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { integrityCheck } from "./db.ts";

/** backup-<UTC time>.db: what `avsplit backup` and the console name their backups (sortable by name). */
export function backupFileName(at = new Date()): string {
  return `backup-${at.toISOString().replace(/[:.]/g, "-")}.db`;
}

export function backupTo(sqlite: Database, target: string): void {
  if (existsSync(target)) throw new Error(`${target} already exists; choose a new file name`);
  sqlite.run("VACUUM INTO ?", [target]);
}

/** Throws unless `backup` is an intact SQLite file holding an avsplit database. */
export function checkBackup(backup: string): void {
  let check: SqliteDatabase;
  try {
    check = new SqliteDatabase(backup, { readonly: true });
  } catch (err) {
    throw new Error(`${basename(backup)} is not an SQLite database: ${(err as Error).message}`);
  }
  try {
    const result = integrityCheck(check);
    if (result !== "ok") throw new Error(`${basename(backup)} fails the integrity check: ${result}`);
    const hasEvents = check.query("SELECT 1 FROM sqlite_master WHERE name = 'events'").get();
    if (!hasEvents) throw new Error(`${basename(backup)} is not an avsplit database`);
  } catch (err) {
    // SQLite reports a non-database file only when it is first read.
    if ((err as { code?: string }).code === "SQLITE_NOTADB") throw new Error(`${basename(backup)} is not an SQLite database`);
    throw err;
  } finally {
    check.close();
  }
}

/** Replaces the database file with a backup after checking it; the old file is kept as <db>.before-restore. */
export function restoreFrom(backup: string, dbPath: string): void {
  checkBackup(backup);
  mkdirSync(dirname(dbPath), { recursive: true });
  if (existsSync(dbPath)) renameSync(dbPath, dbPath + ".before-restore");
  for (const suffix of ["-wal", "-shm"]) rmSync(dbPath + suffix, { force: true });
  copyFileSync(backup, dbPath);
}

const STAGED_RESTORE = "restore-pending.db";

/** Checks an uploaded backup and moves it where the next start picks it up (replacing one staged before). */
export function stageRestore(upload: string, dataDir: string): void {
  checkBackup(upload);
  renameSync(upload, join(dataDir, STAGED_RESTORE));
}

export function hasStagedRestore(dataDir: string): boolean {
  return existsSync(join(dataDir, STAGED_RESTORE));
}

/** At start, before the database opens: a staged restore replaces the database. True when one was applied. */
export function applyStagedRestore(dataDir: string, dbPath: string): boolean {
  const staged = join(dataDir, STAGED_RESTORE);
  if (!existsSync(staged)) return false;
  restoreFrom(staged, dbPath);
  rmSync(staged);
  return true;
}
