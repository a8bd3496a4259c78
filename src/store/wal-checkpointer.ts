/**
 * Checkpoints the appliance database's WAL from a worker thread. SQLite's automatic checkpoint runs inside the
 * commit that crosses 1000 WAL pages, on the event loop: it copies ~4 MB into the database file and fsyncs it,
 * a 5-10 ms stall every ~1.5 s at 25 calls/s that delays whatever SIP message arrives meanwhile
 * (docs/bench/split.md). Here the main connection stops auto-checkpointing and a worker with its own connection
 * runs a PASSIVE checkpoint (it never blocks writers) every `intervalMs`.
 */
import type { Database } from "bun:sqlite";
import { createLogger } from "../observability/log.ts";

const log = createLogger("store");

/**
 * In the executable every module is bundled into the entry file at /$bunfs/root, and the worker is an entrypoint of
 * its own (appliance/build.ts) kept at its path under src/; from source it sits next to this file.
 */
const WORKER_URL = import.meta.url.startsWith("file:///$bunfs/")
  ? new URL("./store/wal-checkpoint-worker.ts", import.meta.url)
  : new URL("./wal-checkpoint-worker.ts", import.meta.url);

export type CheckpointRequest = { type: "checkpoint"; path: string } | { type: "close" };
export type CheckpointReply =
  | { type: "checkpointed"; busy: number; walFrames: number; checkpointed: number }
  | { type: "closed" }
  | { type: "error"; message: string };

export class WalCheckpointer {
  private readonly worker: Worker;
  private readonly timer: Timer;
  /** Replies are in request order: one waiter per request sent. */
  private readonly waiters: ((r: CheckpointReply) => void)[] = [];
  private running: Promise<CheckpointReply> | undefined;
  private stopped = false;
  private broken = false;

  /** `sqlite` is the main connection to the WAL-mode database at `path`. */
  constructor(private readonly sqlite: Database, private readonly path: string, intervalMs = 1000) {
    sqlite.run("PRAGMA wal_autocheckpoint = 0");
    this.worker = new Worker(WORKER_URL);
    this.worker.onmessage = (e: MessageEvent<CheckpointReply>) => {
      if (e.data.type === "error") log.warn("WAL checkpoint failed", { err: e.data.message });
      this.waiters.shift()?.(e.data);
    };
    // A worker that cannot load or crashes: SQLite checkpoints on its own again, nobody waits for an answer.
    this.worker.onerror = (e) => {
      log.error("WAL checkpoint worker failed; SQLite checkpoints in commits again", { err: e.message });
      this.broken = true;
      this.handBackToSqlite();
      for (const w of this.waiters.splice(0)) w({ type: "error", message: e.message });
    };
    (this.worker as unknown as { unref(): void }).unref(); // never keeps the process alive (Bun API, not in the DOM type)
    this.timer = setInterval(() => void this.checkpoint(), intervalMs);
    this.timer.unref();
  }

  /** One checkpoint now (or the one already running). */
  checkpoint(): Promise<CheckpointReply> {
    if (this.stopped || this.broken) return Promise.resolve({ type: "error", message: this.stopped ? "checkpointer stopped" : "checkpoint worker failed" });
    this.running ??= this.request({ type: "checkpoint", path: this.path }).finally(() => (this.running = undefined));
    return this.running;
  }

  /** Ends the worker (its connection closed first) and gives checkpointing back to SQLite; call before the store closes. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.timer);
    if (!this.broken) await this.request({ type: "close" });
    this.worker.terminate();
    this.handBackToSqlite();
  }

  /** SQLite's default: checkpoint in the commit that grows the WAL past 1000 pages. */
  private handBackToSqlite(): void {
    this.sqlite.run("PRAGMA wal_autocheckpoint = 1000");
  }

  private request(r: CheckpointRequest): Promise<CheckpointReply> {
    return new Promise((resolve) => {
      this.waiters.push(resolve);
      this.worker.postMessage(r);
    });
  }
}
