import { afterEach, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { statSync } from "node:fs";
import { WalCheckpointer } from "../../../src/store/wal-checkpointer.ts";
import { tempDir } from "../../support/temp-dir.ts";

const dirs: ReturnType<typeof tempDir>[] = [];
afterEach(() => { for (const d of dirs.splice(0)) d.cleanup(); });

function walDatabase(): { db: Database; path: string } {
  const dir = tempDir("avsplit-wal-");
  dirs.push(dir);
  const path = `${dir.path}/t.db`;
  const db = new Database(path, { create: true, strict: true });
  db.run("PRAGMA journal_mode = WAL");
  db.run("CREATE TABLE t (x BLOB)");
  return { db, path };
}

/** `n` rows of 4 KB in one commit (one WAL frame per page). */
function fill(db: Database, n: number): void {
  const insert = db.prepare("INSERT INTO t VALUES (randomblob(4000))");
  db.transaction(() => { for (let i = 0; i < n; i++) insert.run(); })();
}

const autocheckpoint = (db: Database) => db.query<{ wal_autocheckpoint: number }, []>("PRAGMA wal_autocheckpoint").get()!.wal_autocheckpoint;

test("commits stop checkpointing on the event loop and the worker checkpoints every WAL frame written", async () => {
  const { db, path } = walDatabase();
  const checkpointer = new WalCheckpointer(db, path, 60_000);
  expect(autocheckpoint(db)).toBe(0);
  fill(db, 1500); // > 1000 pages: SQLite alone would have checkpointed by now
  const before = statSync(path).size;
  const reply = await checkpointer.checkpoint();
  expect(reply).toMatchObject({ type: "checkpointed", busy: 0 });
  const { walFrames, checkpointed } = reply as { walFrames: number; checkpointed: number };
  expect(walFrames).toBeGreaterThan(1500);
  expect(checkpointed).toBe(walFrames);
  expect(statSync(path).size).toBeGreaterThan(before + 1500 * 4000);
  await checkpointer.stop();
  db.close();
});

test("writers go on while the worker checkpoints, and stop() hands checkpointing back to SQLite", async () => {
  const { db, path } = walDatabase();
  const checkpointer = new WalCheckpointer(db, path, 60_000);
  fill(db, 2000);
  const running = checkpointer.checkpoint();
  fill(db, 200);
  expect((await running).type).toBe("checkpointed");
  expect(db.query<{ n: number }, []>("SELECT count(*) AS n FROM t").get()!.n).toBe(2200);
  await checkpointer.stop();
  expect(autocheckpoint(db)).toBe(1000);
  expect(await checkpointer.checkpoint()).toEqual({ type: "error", message: "checkpointer stopped" });
  db.run("PRAGMA wal_checkpoint(TRUNCATE)"); // nothing of the worker's connection is left to block it
  expect(statSync(`${path}-wal`).size).toBe(0);
  db.close();
});
