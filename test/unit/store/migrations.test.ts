import { Database } from "bun:sqlite";
import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { integrityCheck, openStore } from "../../../src/store/db.ts";
import { appliedMigrations, migrate } from "../../../src/store/migrate.ts";
import { embeddedMigrations } from "../../../src/store/migrations.generated.ts";
import { tempDir } from "../../support/temp-dir.ts";

const REQUIRED_TABLES = ["users", "agents", "trunks", "sessions", "legs", "events", "media_files", "sms_messages", "h5_invites", "settings"];

const tables = (db: Database) =>
  db.query<{ name: string }, []>("SELECT name FROM sqlite_master WHERE type = 'table'").all().map((r) => r.name);

test("the embedded migrations are exactly those in the drizzle-kit journal", () => {
  const journal = JSON.parse(readFileSync(`${import.meta.dir}/../../../migrations/meta/_journal.json`, "utf8"));
  expect(embeddedMigrations.map((m) => m.tag)).toEqual(journal.entries.map((e: { tag: string }) => e.tag));
  for (const m of embeddedMigrations) expect(m.sql).toBe(readFileSync(`${import.meta.dir}/../../../migrations/${m.tag}.sql`, "utf8"));
});

test("an empty database is migrated to the latest schema", () => {
  const db = new Database(":memory:");
  const result = migrate(db);
  expect(result.applied).toEqual(embeddedMigrations.map((m) => m.tag));
  expect(tables(db)).toEqual(expect.arrayContaining(REQUIRED_TABLES));
  expect(migrate(db).applied).toEqual([]);
  expect(integrityCheck(db)).toBe("ok");
});

test("a database at the first migration reaches the latest without losing data", () => {
  const db = new Database(":memory:");
  migrate(db, embeddedMigrations, embeddedMigrations[0].tag);
  expect(appliedMigrations(db)).toEqual([embeddedMigrations[0].tag]);
  expect(tables(db)).not.toContain("media_files");
  db.run("INSERT INTO sessions (id, node_id, kind, state, caller_number, started_at) VALUES ('s1', 'n1', 'video', 'ended', '13800138000', 1)");
  db.run("INSERT INTO users (username, password_hash, role) VALUES ('admin', 'x', 'admin')");
  db.run("INSERT INTO events (seq, ts, type, actor, data, prev_hash, hash) VALUES (1, 1, 't', 'a', '{}', 'p', 'h')");

  const result = migrate(db);
  expect(result.applied).toEqual(embeddedMigrations.slice(1).map((m) => m.tag));
  expect(db.query("SELECT caller_number FROM sessions WHERE id = 's1'").get()).toEqual({ caller_number: "13800138000" });
  expect(db.query("SELECT username, role FROM users").all()).toEqual([{ username: "admin", role: "admin" }]);
  expect(db.query("SELECT count(*) AS n FROM events").get()).toEqual({ n: 1 });
  db.run("INSERT INTO media_files (id, session_id, kind, path, mime, bytes, sha256, created_at) VALUES ('m1', 's1', 'screenshot', 'a.png', 'image/png', 1, 'x', 1)");
});

test("a database written by a newer build is refused, not damaged", () => {
  const db = new Database(":memory:");
  migrate(db);
  db.run("INSERT INTO __avsplit_migrations (tag, sha256, applied_at) VALUES ('9999_future', 'x', 1)");
  expect(() => migrate(db)).toThrow("written by a newer avsplit");
});

test("the store opens with WAL, foreign keys and a busy timeout", () => {
  const dir = tempDir();
  const store = openStore(`${dir.path}/avsplit.db`);
  expect(store.sqlite.query("PRAGMA journal_mode").get()).toEqual({ journal_mode: "wal" });
  expect(store.sqlite.query("PRAGMA foreign_keys").get()).toEqual({ foreign_keys: 1 });
  expect(store.sqlite.query("PRAGMA busy_timeout").get()).toEqual({ timeout: 5000 });
  expect(() => store.sqlite.run("INSERT INTO legs (id, session_id, kind, state, started_at) VALUES ('l', 'missing', 'caller', 'x', 1)")).toThrow(/FOREIGN KEY/);
  store.close();
  store.close();
  dir.cleanup();
});
