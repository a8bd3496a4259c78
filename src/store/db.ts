/** Opens the appliance database: WAL, foreign keys, busy timeout; migrations applied unless told not to. */
import { Database } from "bun:sqlite";
import { drizzle, type BunSQLiteDatabase } from "drizzle-orm/bun-sqlite";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { migrate } from "./migrate.ts";
import * as schema from "./schema.ts";

export type Db = BunSQLiteDatabase<typeof schema>;

export interface Store {
  sqlite: Database;
  db: Db;
  close(): void;
}

export function openStore(path: string, options: { migrate?: boolean; readonly?: boolean } = {}): Store {
  if (path !== ":memory:" && !options.readonly) mkdirSync(dirname(path), { recursive: true });
  const sqlite = options.readonly ? new Database(path, { readonly: true, strict: true }) : new Database(path, { create: true, strict: true });
  sqlite.run("PRAGMA busy_timeout = 5000");
  if (!options.readonly) {
    sqlite.run("PRAGMA journal_mode = WAL");
    sqlite.run("PRAGMA synchronous = NORMAL");
  }
  sqlite.run("PRAGMA foreign_keys = ON");
  if (options.migrate !== false && !options.readonly) migrate(sqlite);
  let closed = false;
  return {
    sqlite,
    db: drizzle(sqlite, { schema }),
    close() {
      if (closed) return;
      closed = true;
      if (!options.readonly) sqlite.run("PRAGMA wal_checkpoint(TRUNCATE)");
      sqlite.close();
    },
  };
}

export function integrityCheck(sqlite: Database): string {
  return sqlite.query<{ integrity_check: string }, []>("PRAGMA integrity_check").get()?.integrity_check ?? "no result";
}
