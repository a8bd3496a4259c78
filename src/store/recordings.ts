/**
 * Session recordings on disk: a file under <data dir>/recordings/<session>/ per recording, audited when it starts;
 * at its end the file's SHA-256 is taken and the media_files row (kind "recording") is written with the
 * "recording.stopped" audit event, so the evidence package carries it and a reviewer can check it.
 */
import type { Database } from "bun:sqlite";
import { randomBytes } from "node:crypto";
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { RecordingResult, RecordingStorage } from "../session/recording.ts";
import { createLogger } from "../observability/log.ts";
import type { Clock } from "../util/clock.ts";
import type { AuditLog } from "./audit-log.ts";
import type { Db } from "./db.ts";
import { fileDigest } from "./file-digest.ts";
import { isSafeSessionId, type MediaFileRecord } from "./media-files.ts";
import { mediaFiles } from "./schema.ts";

const log = createLogger("store.recordings");

export const RECORDING_MIME = "video/x-matroska";

/** What the recording store and its retention cleaner work on. */
export interface RecordingFilesDeps {
  sqlite: Database;
  db: Db;
  audit: AuditLog;
  /** media_files paths are relative to it. */
  dataDir: string;
  clock: Clock;
}

interface OpenRecording { sessionId: string; path: string; startedAt: number }

export class RecordingStore implements RecordingStorage {
  private readonly inProgress = new Map<string, OpenRecording>();
  private pending = new Set<Promise<void>>();

  private readonly sqlite: Database;
  private readonly db: Db;
  private readonly audit: AuditLog;
  private readonly dataDir: string;
  private readonly clock: Clock;

  constructor(deps: RecordingFilesDeps) {
    ({ sqlite: this.sqlite, db: this.db, audit: this.audit, dataDir: this.dataDir, clock: this.clock } = deps);
  }

  open(sessionId: string, by: string): { id: string; path: string } {
    if (!isSafeSessionId(sessionId)) throw new Error(`bad session id ${JSON.stringify(sessionId)}`);
    const id = randomBytes(9).toString("base64url");
    const path = join("recordings", sessionId, `${id}.mkv`);
    mkdirSync(join(this.dataDir, "recordings", sessionId), { recursive: true });
    const startedAt = this.clock.now();
    this.audit.append({ type: "recording.started", actor: by, sessionId, ts: startedAt, data: { fileId: id, path } });
    this.inProgress.set(id, { sessionId, path, startedAt });
    return { id, path: join(this.dataDir, path) };
  }

  /**
   * Once `written` settles, checksums the file and records it (asynchronously: see idle()). A recording with no frame
   * is removed. A failed write is recorded as the recording's error.
   */
  close(id: string, result: RecordingResult, written: Promise<void> = Promise.resolve()): void {
    const rec = this.inProgress.get(id);
    if (!rec) return;
    this.inProgress.delete(id);
    const done = written.then(
      () => result,
      (err: Error) => ({ ...result, reason: "failed", error: result.error ?? `write failed: ${err.message}` }),
    ).then((final) => this.record(id, rec, final)).catch((err) => log.error("recording could not be recorded in the database", { fileId: id, err }));
    this.pending.add(done);
    void done.finally(() => this.pending.delete(done));
  }

  /** Resolves when every finished recording is in the database (the shutdown waits for it before closing the store). */
  async idle(): Promise<void> {
    while (this.pending.size) await Promise.all(this.pending);
  }

  private async record(id: string, rec: OpenRecording, result: RecordingResult): Promise<void> {
    const absolute = join(this.dataDir, rec.path);
    const stopped = {
      fileId: id, path: rec.path, reason: result.reason, durationMs: Math.round(result.durationMs),
      audioFrames: result.audioFrames, videoFrames: result.videoFrames, skipped: result.skipped, error: result.error,
    };
    if (result.audioFrames + result.videoFrames === 0) {
      rmSync(absolute, { force: true });
      this.audit.append({ type: "recording.stopped", actor: result.by, sessionId: rec.sessionId, ts: this.clock.now(), data: { ...stopped, discarded: "no media" } });
      return;
    }
    const { sha256, bytes } = await fileDigest(absolute);
    const row: MediaFileRecord = { id, sessionId: rec.sessionId, kind: "recording", path: rec.path, mime: RECORDING_MIME, bytes, sha256, createdAt: rec.startedAt, deletedAt: null };
    this.sqlite.transaction(() => {
      this.db.insert(mediaFiles).values(row).run();
      this.audit.appendWithin({ type: "recording.stopped", actor: result.by, sessionId: rec.sessionId, ts: this.clock.now(), data: { ...stopped, bytes, sha256 } });
    }).immediate();
  }
}
