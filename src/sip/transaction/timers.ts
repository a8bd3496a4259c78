import type { Clock, TimerHandle } from "../../util/clock.ts";

/** RFC 3261 §17 timer base values (ms). */
export interface TimerSettings {
  /** RTT estimate: first retransmit interval; 64*T1 is every transaction timeout (B, F, H, J, L, M). */
  t1: number;
  /** Cap on the retransmit interval of non-INVITE requests and of INVITE responses. */
  t2: number;
  /** Max time a message stays in the network: Timers I and K. */
  t4: number;
  /** Timer D: wait for response retransmissions after a non-2xx INVITE final (unreliable transports, >= 32 s). */
  timerD: number;
  /** Send 100 Trying if the TU has not answered an INVITE within this time. */
  trying100Ms: number;
  /**
   * Timer C (RFC 3261 §16.6, applied to our own INVITEs as a safety net): an outgoing INVITE that got a
   * provisional but no further response for this long is CANCELled, so a peer that rings forever cannot pin
   * the transaction. Restarted by every provisional; 0 disables it. The default is long on purpose: a call
   * center queue may ring for many minutes; ring-no-answer policy belongs to the TU.
   */
  timerC: number;
}

export const DEFAULT_TIMERS: TimerSettings = { t1: 500, t2: 4000, t4: 5000, timerD: 32_000, trying100Ms: 200, timerC: 1_800_000 };

/** Named one-shot timers of one transaction, all cleared at once when it terminates. */
export class TimerSet {
  private readonly handles = new Map<string, TimerHandle>();

  constructor(private readonly clock: Clock) {}

  start(name: string, ms: number, fn: () => void): void {
    this.stop(name);
    this.handles.set(name, this.clock.setTimeout(() => { this.handles.delete(name); fn(); }, ms));
  }

  stop(name: string): void {
    const h = this.handles.get(name);
    if (h) { this.clock.clearTimeout(h); this.handles.delete(name); }
  }

  stopAll(): void {
    for (const h of this.handles.values()) this.clock.clearTimeout(h);
    this.handles.clear();
  }
}
