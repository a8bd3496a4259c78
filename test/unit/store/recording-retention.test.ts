/**
 * Recording storage and retention: a finished recording becomes a media_files row with the file's SHA-256 and audit
 * events; the cleaner deletes recordings past retention_days and, over max_disk_gb, the oldest first until under
 * the quota, each deletion audited with the file and the reason and left out of the session's media from then on.
 */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { existsSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { AuditLog } from "../../../src/store/audit-log.ts";
import { openStore, type Store } from "../../../src/store/db.ts";
import { RecordingRetention, type RetentionPolicy } from "../../../src/store/recording-retention.ts";
import { RecordingStore } from "../../../src/store/recordings.ts";
import { SessionHistory } from "../../../src/store/session-history.ts";
import type { RecordingResult } from "../../../src/session/recording.ts";
import { FakeClock } from "../../support/fake-clock.ts";
import { tempDir } from "../../support/temp-dir.ts";

const DAY = 86_400_000;
const T0 = Date.parse("2026-11-01T00:00:00Z");

let store: Store;
let audit: AuditLog;
let clock: FakeClock;
let dir: { path: string; cleanup(): void };
let recordings: RecordingStore;

beforeEach(() => {
  store = openStore(":memory:");
  audit = new AuditLog(store.sqlite);
  clock = new FakeClock();
  clock.advance(T0);
  dir = tempDir("avsplit-retention-");
  recordings = new RecordingStore({ sqlite: store.sqlite, db: store.db, audit, dataDir: dir.path, clock });
});
afterEach(() => {
  store.close();
  dir.cleanup();
});

const result = (frames: number, by = "system"): RecordingResult => ({ durationMs: 1000, bytes: 0, audioFrames: frames, videoFrames: 0, skipped: [], reason: "session ended", by });

/** A finished recording of `bytes` bytes made now, in its own session. */
async function record(sessionId: string, bytes: number): Promise<{ id: string; path: string }> {
  store.sqlite.run("INSERT INTO sessions (id, node_id, kind, state, started_at) VALUES (?, 'n1', 'video', 'ended', ?)", [sessionId, clock.now()]);
  const file = recordings.open(sessionId, "system");
  writeFileSync(file.path, new Uint8Array(bytes).fill(7));
  recordings.close(file.id, result(10));
  await recordings.idle();
  return file;
}

const retention = (policy: Partial<RetentionPolicy>) =>
  new RecordingRetention({ sqlite: store.sqlite, db: store.db, audit, dataDir: dir.path, clock }, { retentionDays: 180, maxDiskBytes: 1e12, ...policy });

const deletions = () => [...audit.rows()].filter((r) => r.type === "recording.deleted").map((r) => ({ session: r.sessionId, ...JSON.parse(r.data) }));
const liveMedia = (sessionId: string) => new SessionHistory(store.db, audit).get(sessionId)!.media.map((m) => m.id);

describe("recording storage", () => {
  test("a finished recording is a media_files row with its SHA-256, between recording.started and recording.stopped", async () => {
    const file = await record("s1", 5000);
    const [row] = new SessionHistory(store.db, audit).get("s1")!.media;
    expect(row).toMatchObject({ id: file.id, kind: "recording", mime: "video/x-matroska", bytes: 5000, createdAt: T0 });
    expect(row.sha256).toBe(createHash("sha256").update(new Uint8Array(5000).fill(7)).digest("hex"));
    const events = [...audit.rows()].filter((r) => r.sessionId === "s1");
    expect(events.map((e) => e.type)).toEqual(["recording.started", "recording.stopped"]);
    expect(JSON.parse(events[1].data)).toMatchObject({ fileId: file.id, sha256: row.sha256, bytes: 5000, reason: "session ended" });
  });

  test("a recording that got no frame is discarded: file removed, no row, the stop says why", async () => {
    store.sqlite.run("INSERT INTO sessions (id, node_id, kind, state, started_at) VALUES ('s2', 'n1', 'audio', 'ended', 0)");
    const file = recordings.open("s2", "agent:1001");
    writeFileSync(file.path, new Uint8Array(300));
    recordings.close(file.id, result(0, "agent:1001"));
    await recordings.idle();
    expect(existsSync(file.path)).toBe(false);
    expect(liveMedia("s2")).toEqual([]);
    const stop = [...audit.rows()].find((r) => r.type === "recording.stopped")!;
    expect(stop.actor).toBe("agent:1001");
    expect(JSON.parse(stop.data)).toMatchObject({ discarded: "no media" });
  });

  test("the file is checksummed only once its writes are done; a failed write is the recording's error", async () => {
    store.sqlite.run("INSERT INTO sessions (id, node_id, kind, state, started_at) VALUES ('s3', 'n1', 'video', 'ended', 0)");
    const file = recordings.open("s3", "system");
    writeFileSync(file.path, new Uint8Array(100).fill(1));
    let finishWrites!: () => void;
    recordings.close(file.id, result(10), new Promise<void>((r) => (finishWrites = r)));
    writeFileSync(file.path, new Uint8Array(200).fill(2)); // what the queued writes still put there
    finishWrites();
    await recordings.idle();
    expect(new SessionHistory(store.db, audit).get("s3")!.media[0]).toMatchObject({ bytes: 200, sha256: createHash("sha256").update(new Uint8Array(200).fill(2)).digest("hex") });

    store.sqlite.run("INSERT INTO sessions (id, node_id, kind, state, started_at) VALUES ('s4', 'n1', 'video', 'ended', 0)");
    const failed = recordings.open("s4", "system");
    writeFileSync(failed.path, new Uint8Array(50));
    recordings.close(failed.id, result(10), Promise.reject(new Error("ENOSPC: no space left on device")));
    await recordings.idle();
    const stop = [...audit.rows()].filter((r) => r.type === "recording.stopped" && r.sessionId === "s4")[0];
    expect(JSON.parse(stop.data)).toMatchObject({ reason: "failed", error: "write failed: ENOSPC: no space left on device", bytes: 50 });
  });

  test("a session id that is not a safe path is refused", () => {
    expect(() => recordings.open("../etc", "system")).toThrow(/bad session id/);
  });
});

describe("recording retention", () => {
  test("recordings older than retention_days go at the next periodic sweep, audited with reason retention", async () => {
    const old = await record("old", 1000);
    clock.advance(5 * DAY);
    const recent = await record("recent", 1000);
    const cleaner = retention({ retentionDays: 7, intervalMs: 3_600_000 });
    cleaner.start();
    expect(deletions()).toEqual([]);
    clock.advance(2 * DAY);
    expect(existsSync(old.path)).toBe(true); // exactly 7 days old: kept
    clock.advance(3_600_000); // the next hourly sweep
    expect(existsSync(old.path)).toBe(false);
    expect(existsSync(recent.path)).toBe(true);
    expect(deletions()).toEqual([
      expect.objectContaining({ session: "old", fileId: old.id, path: join("recordings", "old", `${old.id}.mkv`), reason: "retention", retentionDays: 7 }),
    ]);
    expect(liveMedia("old")).toEqual([]);
    expect(liveMedia("recent")).toEqual([recent.id]);
    cleaner.close();
    expect(clock.pending()).toBe(0);
  });

  test("over max_disk_gb, the oldest go first until the total is under the quota", async () => {
    const files = [];
    for (const [i, bytes] of [1000, 2000, 3000, 4000].entries()) {
      files.push(await record(`q${i}`, bytes));
      clock.advance(60_000);
    }
    const deleted = retention({ maxDiskBytes: 6000 }).sweep();
    expect(deleted.map((d) => [d.id, d.reason])).toEqual(files.slice(0, 3).map((f) => [f.id, "disk-quota"]));
    expect(files.map((f) => existsSync(f.path))).toEqual([false, false, false, true]);
    expect(deletions().map((d) => [d.session, d.reason, d.bytes, d.maxDiskBytes])).toEqual([
      ["q0", "disk-quota", 1000, 6000], ["q1", "disk-quota", 2000, 6000], ["q2", "disk-quota", 3000, 6000],
    ]);
    // a second sweep finds nothing more to do
    expect(retention({ maxDiskBytes: 6000 }).sweep()).toEqual([]);
  });

  test("a file already gone from disk is still marked deleted and audited (the sweep does not stop)", async () => {
    const gone = await record("gone", 10);
    rmSync(gone.path);
    clock.advance(200 * DAY);
    expect(retention({}).sweep().map((d) => d.id)).toEqual([gone.id]);
    expect(liveMedia("gone")).toEqual([]);
  });
});
