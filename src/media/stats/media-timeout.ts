/**
 * Media timeout: fires once when no RTP arrived for `timeoutMs`, then again only after media resumed and
 * stopped anew. Reads the last-packet time the receive path stores, so the per-packet cost is nil.
 */
import type { Clock, TimerHandle } from "../../util/clock.ts";

export class MediaTimeout {
  private timer: TimerHandle | undefined;
  private firedFor = Number.NaN;
  private startedAt = 0;

  constructor(
    private readonly clock: Clock,
    readonly timeoutMs: number,
    /** clock.now() of the last packet, or -1 if none yet (then the silence counts from start()). */
    private readonly lastActivity: () => number,
    private readonly onTimeout: (silentForMs: number) => void,
  ) {}

  start(): void {
    this.stop();
    this.startedAt = this.clock.now();
    this.firedFor = Number.NaN;
    this.arm(this.timeoutMs);
  }

  stop(): void {
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private arm(ms: number): void {
    this.timer = this.clock.setTimeout(() => this.check(), Math.max(1, ms));
  }

  private check(): void {
    this.timer = undefined;
    const now = this.clock.now();
    const last = this.lastActivity();
    const since = last < 0 ? this.startedAt : Math.max(last, this.startedAt);
    const silent = now - since;
    if (silent >= this.timeoutMs) {
      if (this.firedFor !== since) {
        this.firedFor = since;
        this.onTimeout(silent);
      }
      this.arm(this.timeoutMs);
    } else {
      this.arm(this.timeoutMs - silent);
    }
  }
}
