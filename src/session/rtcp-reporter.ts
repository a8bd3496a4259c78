/**
 * RTCP is terminated per leg (RFC 3550 §6): every few seconds each SIP-side endpoint sends its own SR or RR with
 * an SDES CNAME, so each far end sees a well-behaved RTP session from us whatever happens on the other leg.
 */
import type { RelayLeg } from "../media/relay/index.ts";
import type { Clock, TimerHandle } from "../util/clock.ts";

const INTERVAL_MS = 5000;

export class RtcpReporter {
  private timer: TimerHandle | undefined;
  private closed = false;

  constructor(
    private readonly clock: Clock,
    private readonly endpoints: () => (RelayLeg | undefined)[],
    private readonly cname: string,
  ) {
    this.schedule();
  }

  /** RFC 3550 §6.3.1: the interval is randomised over [0.5, 1.5] x the nominal one so sources do not synchronise. */
  private schedule(): void {
    if (this.closed) return;
    this.timer = this.clock.setTimeout(() => {
      this.sendReports();
      this.schedule();
    }, INTERVAL_MS * (0.5 + Math.random()));
  }

  sendReports(): void {
    for (const e of this.endpoints()) if (e && !e.closed) e.sendReport(this.cname);
  }

  close(): void {
    this.closed = true;
    this.clock.clearTimeout(this.timer);
  }
}
