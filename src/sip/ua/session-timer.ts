/**
 * The running RFC 4028 timer of one dialog: the refresher refreshes at half the interval; both sides
 * give up (BYE) at interval - min(32, interval/3) without a successful refresh (§10).
 */
import type { Clock, TimerHandle } from "../../util/clock.ts";
import { TypedEmitter } from "../../util/typed-emitter.ts";

export class SessionTimer extends TypedEmitter<{ refresh: []; expired: [] }> {
  private refreshTimer: TimerHandle | undefined;
  private expiryTimer: TimerHandle | undefined;
  private current: { seconds: number; localRefreshes: boolean } | null = null;

  constructor(private readonly clock: Clock) { super(); }

  get interval(): number | null { return this.current?.seconds ?? null; }
  get localRefreshes(): boolean { return this.current?.localRefreshes ?? false; }

  /** (Re)start after a successful negotiation (initial 2xx or any refresh 2xx). */
  start(seconds: number, localRefreshes: boolean): void {
    this.stop();
    this.current = { seconds, localRefreshes };
    if (localRefreshes) this.refreshTimer = this.clock.setTimeout(() => this.emit("refresh"), (seconds * 1000) / 2);
    const expiryMs = (seconds - Math.min(32, seconds / 3)) * 1000;
    this.expiryTimer = this.clock.setTimeout(() => { this.current = null; this.emit("expired"); }, expiryMs);
  }

  stop(): void {
    this.clock.clearTimeout(this.refreshTimer);
    this.clock.clearTimeout(this.expiryTimer);
    this.refreshTimer = this.expiryTimer = undefined;
    this.current = null;
  }
}
