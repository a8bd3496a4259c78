/**
 * [recording] retention_days and max_disk_gb: at start and then periodically, recordings older than the retention
 * period are deleted, then the oldest ones until the total is under the quota. Each deletion removes the file, marks
 * its media_files row deleted (evidence packages and the console then leave it out) and appends a
 * "recording.deleted" audit event naming the file and the reason, in one transaction.
 */
import { rmSync } from "node:fs";
import { and, asc, eq, isNull } from "drizzle-orm";
import { createLogger } from "../observability/log.ts";
import type { TimerHandle } from "../util/clock.ts";
import { resolveInside } from "./data-path.ts";
import type { MediaFileRecord } from "./media-files.ts";
import type { RecordingFilesDeps } from "./recordings.ts";
import { mediaFiles } from "./schema.ts";

const log = createLogger("store.retention");
const DAY_MS = 86_400_000;

export interface RetentionPolicy {
  retentionDays: number;
  maxDiskBytes: number;
  /** Between sweeps; default one hour. */
  intervalMs?: number;
}

export type DeletionReason = "retention" | "disk-quota";

export class RecordingRetention {
  private timer: TimerHandle | undefined;
  private closed = false;

  constructor(private readonly deps: RecordingFilesDeps, private readonly policy: RetentionPolicy) {}

  /** Sweeps once start-up is done (a long downtime can leave many files to delete), then every interval until close(). */
  start(): void {
    this.timer = this.deps.clock.setTimeout(() => this.sweepSafely(), 0);
  }

  close(): void {
    this.closed = true;
    this.deps.clock.clearTimeout(this.timer);
  }

  /** Deletes what the policy no longer keeps; returns what was deleted, oldest first. */
  sweep(): { id: string; path: string; reason: DeletionReason }[] {
    const now = this.deps.clock.now();
    const rows = this.deps.db.select().from(mediaFiles)
      .where(and(eq(mediaFiles.kind, "recording"), isNull(mediaFiles.deletedAt)))
      .orderBy(asc(mediaFiles.createdAt)).all();
    const cutoff = now - this.policy.retentionDays * DAY_MS;
    let total = rows.reduce((n, r) => n + r.bytes, 0);
    const deleted: { id: string; path: string; reason: DeletionReason }[] = [];
    for (const row of rows) {
      const reason: DeletionReason | null = row.createdAt < cutoff ? "retention" : total > this.policy.maxDiskBytes ? "disk-quota" : null;
      if (!reason) break;
      this.delete(row, reason, now);
      total -= row.bytes;
      deleted.push({ id: row.id, path: row.path, reason });
    }
    return deleted;
  }

  private delete(row: MediaFileRecord, reason: DeletionReason, now: number): void {
    const path = resolveInside(this.deps.dataDir, row.path);
    if (path) rmSync(path, { force: true });
    this.deps.sqlite.transaction(() => {
      this.deps.db.update(mediaFiles).set({ deletedAt: now }).where(eq(mediaFiles.id, row.id)).run();
      this.deps.audit.appendWithin({
        type: "recording.deleted", actor: "system", sessionId: row.sessionId, ts: now,
        data: {
          fileId: row.id, path: row.path, bytes: row.bytes, sha256: row.sha256, createdAt: row.createdAt, reason,
          ...(reason === "retention" ? { retentionDays: this.policy.retentionDays } : { maxDiskBytes: this.policy.maxDiskBytes }),
        },
      });
    }).immediate();
  }

  private sweepSafely(): void {
    if (this.closed) return;
    try {
      const deleted = this.sweep();
      if (deleted.length) log.info("recordings deleted", { count: deleted.length, reasons: [...new Set(deleted.map((d) => d.reason))] });
    } catch (err) {
      log.error("recording retention sweep failed", { err });
    }
    this.timer = this.deps.clock.setTimeout(() => this.sweepSafely(), this.policy.intervalMs ?? 3_600_000);
  }
}
