/**
 * RFC 3262 reliability of provisional responses.
 * UAS: `ReliableProvisionalSender` numbers (RSeq), retransmits (T1 doubling, capped at T2) and matches PRACKs;
 * gives up after 64*T1 ("timeout": the TU answers the INVITE with 5xx).
 * UAC: `RSeqTracker` decides which reliable provisionals to process and PRACK.
 */
import type { Clock, TimerHandle } from "../../util/clock.ts";
import { TypedEmitter } from "../../util/typed-emitter.ts";

export interface RAck { rseq: number; cseq: number; method: string }

export class RAckError extends Error {
  readonly code = "bad-rack";
}

const MAX_RSEQ = 2 ** 32 - 1;

export function parseRAck(value: string): RAck {
  const m = /^\s*(\d{1,10})\s+(\d{1,10})\s+([A-Za-z]+)\s*$/.exec(value);
  if (!m) throw new RAckError(`bad RAck: ${value}`);
  const rseq = Number(m[1]);
  const cseq = Number(m[2]);
  if (rseq > MAX_RSEQ || cseq > MAX_RSEQ) throw new RAckError("RAck number out of range");
  return { rseq, cseq, method: m[3].toUpperCase() };
}

export function formatRAck(r: RAck): string {
  return `${r.rseq} ${r.cseq} ${r.method}`;
}

export function parseRSeq(value: string): number {
  const m = /^\s*(\d{1,10})\s*$/.exec(value);
  if (!m || Number(m[1]) < 1 || Number(m[1]) > MAX_RSEQ) throw new RAckError(`bad RSeq: ${value}`);
  return Number(m[1]);
}

export interface ReliableTimers { t1: number; t2: number }

interface Pending { rseq: number; hasBody: boolean; transmit: () => void }

export class ReliableProvisionalSender extends TypedEmitter<{
  /** No PRACK for 64*T1: the TU should reject the INVITE with a 5xx. */
  timeout: [];
  /** A PRACK acknowledged this RSeq. */
  acknowledged: [rseq: number];
}> {
  private nextRseq: number;
  private readonly queue: Pending[] = [];
  private retransmit: TimerHandle | undefined;
  private giveUp: TimerHandle | undefined;
  private interval = 0;
  private closed = false;

  /** Only the first reliable provisional must be acknowledged before the next one (RFC 3262 §3);
   *  we send them strictly one at a time, which keeps RSeq order trivially right for the UAC. */
  constructor(
    private readonly inviteCseq: number,
    private readonly clock: Clock,
    private readonly timers: ReliableTimers,
    initialRseq = 1 + Math.floor(Math.random() * (2 ** 31 - 2)),
    private readonly maxQueued = 8,
  ) {
    super();
    this.nextRseq = initialRseq;
  }

  /** True while a provisional that carried a body (offer/answer) awaits its PRACK: a 2xx must wait. */
  get unacknowledgedBody(): boolean { return this.queue.some((p) => p.hasBody); }
  get outstanding(): number { return this.queue.length; }

  /**
   * Queue a reliable provisional. `build(rseq)` returns the transmit function of the response carrying
   * `RSeq: rseq` and `Require: 100rel`. Returns the RSeq, or null when too many are queued / closed.
   */
  send(build: (rseq: number) => () => void, hasBody: boolean): number | null {
    if (this.closed || this.queue.length >= this.maxQueued) return null;
    const rseq = this.nextRseq++;
    this.queue.push({ rseq, hasBody, transmit: build(rseq) });
    if (this.queue.length === 1) this.startHead();
    return rseq;
  }

  /** Match a PRACK's RAck. True = 200 the PRACK; false = 481. */
  onPrack(rack: RAck): boolean {
    const head = this.queue[0];
    if (!head || rack.method !== "INVITE" || rack.cseq !== this.inviteCseq || rack.rseq !== head.rseq) return false;
    this.queue.shift();
    this.stopTimers();
    this.emit("acknowledged", head.rseq);
    if (this.queue.length > 0) this.startHead();
    return true;
  }

  /** Stop retransmitting (a final response was sent, or the call ended). Idempotent. */
  close(): void {
    this.closed = true;
    this.queue.length = 0;
    this.stopTimers();
  }

  private startHead(): void {
    const head = this.queue[0];
    head.transmit();
    this.interval = this.timers.t1;
    this.scheduleRetransmit();
    this.giveUp = this.clock.setTimeout(() => { this.close(); this.emit("timeout"); }, 64 * this.timers.t1);
  }

  private scheduleRetransmit(): void {
    this.retransmit = this.clock.setTimeout(() => {
      this.queue[0]?.transmit();
      this.interval = Math.min(this.interval * 2, this.timers.t2);
      this.scheduleRetransmit();
    }, this.interval);
  }

  private stopTimers(): void {
    this.clock.clearTimeout(this.retransmit);
    this.clock.clearTimeout(this.giveUp);
    this.retransmit = this.giveUp = undefined;
  }
}

/** UAC side, one per early dialog (To tag): RFC 3262 §4 ordering of RSeq values. */
export class RSeqTracker {
  private last: number | null = null;

  /** "new" = process and PRACK; "ignore" = retransmission or out of order, neither processed nor PRACKed. */
  accept(rseq: number): "new" | "ignore" {
    if (this.last !== null && rseq !== this.last + 1) return "ignore";
    this.last = rseq;
    return "new";
  }
}
