/**
 * SIP messages of ended calls, kept on disk (data_dir/traces/<sha256(Call-ID)>.json) so the ladder and the evidence
 * package still have them after the in-memory trace forgot the call or the appliance restarted.
 * The archiver saves a session's Call-IDs a little after the session ended (the last BYE/200 are still in flight).
 */
import { readFileSync, rmSync } from "node:fs";
import { mkdir, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { createLogger } from "../observability/log.ts";
import { systemClock, type Clock, type TimerHandle } from "../util/clock.ts";
import type { SessionHistory } from "./session-history.ts";

/** Structurally the SIP layer's TraceEntry (store/ does not import sip/). */
export interface ArchivedMessage {
  time: number;
  direction: "in" | "out";
  remote: { transport: "udp" | "tcp" | "tls"; host: string; port: number };
  local?: { transport: "udp" | "tcp" | "tls"; host: string; port: number };
  firstLine: string;
  text: string;
}

export interface TraceLookup { get(callId: string): ArchivedMessage[] }

const log = createLogger("store");

const fileOf = (callId: string) => `${new Bun.CryptoHasher("sha256").update(callId).digest("hex")}.json`;

export class SipTraceArchive implements TraceLookup {
  private readonly dir: string;

  constructor(dataDir: string) {
    this.dir = join(dataDir, "traces");
  }

  /** Written off the event loop: a synchronous file write there delays every SIP message behind it (docs/bench/split.md). */
  async save(callId: string, messages: ArchivedMessage[]): Promise<void> {
    if (!messages.length) return;
    await mkdir(this.dir, { recursive: true });
    const path = join(this.dir, fileOf(callId));
    await writeFile(`${path}.tmp`, JSON.stringify({ callId, messages }));
    await rename(`${path}.tmp`, path);
  }

  get(callId: string): ArchivedMessage[] {
    try {
      const doc = JSON.parse(readFileSync(join(this.dir, fileOf(callId)), "utf8")) as { callId: string; messages: ArchivedMessage[] };
      return doc.callId === callId ? doc.messages : [];
    } catch {
      return [];
    }
  }

  delete(callId: string): void {
    rmSync(join(this.dir, fileOf(callId)), { force: true });
  }
}

/** The live trace while it has the call, else the archive. */
export function traceWithArchive(live: TraceLookup | undefined, archive: TraceLookup): TraceLookup {
  return { get: (callId) => { const l = live?.get(callId) ?? []; return l.length ? l : archive.get(callId); } };
}

/** Wire `sessionEnded` to the session manager's "session.ended" events; `close()` saves what is pending at once. */
export class SipTraceArchiver {
  private readonly pending = new Map<string, TimerHandle>();
  private readonly writing = new Set<Promise<void>>();

  constructor(
    private readonly live: TraceLookup,
    private readonly archive: SipTraceArchive,
    private readonly history: Pick<SessionHistory, "get">,
    private readonly opts: { delayMs?: number; clock?: Clock } = {},
  ) {}

  sessionEnded(sessionId: string): void {
    if (this.pending.has(sessionId)) return;
    const clock = this.opts.clock ?? systemClock;
    this.pending.set(sessionId, clock.setTimeout(() => this.save(sessionId), this.opts.delayMs ?? 5000));
  }

  private save(sessionId: string): void {
    this.pending.delete(sessionId);
    for (const leg of this.history.get(sessionId)?.legs ?? []) {
      if (!leg.callId) continue;
      const write: Promise<void> = this.archive.save(leg.callId, this.live.get(leg.callId))
        .catch((err: unknown) => log.warn("SIP trace not archived", { session: sessionId, callId: leg.callId, err }))
        .finally(() => this.writing.delete(write));
      this.writing.add(write);
    }
  }

  /** Saves what is pending at once; resolves when every write has finished. */
  async close(): Promise<void> {
    const clock = this.opts.clock ?? systemClock;
    for (const [id, timer] of [...this.pending]) { clock.clearTimeout(timer); this.save(id); }
    await Promise.all(this.writing);
  }
}
