/** Round-trip time from the report blocks a peer sends back (RFC 3550 §6.4.1: RTT = A - LSR - DLSR). */
import { compactNtp, ntpFromUnixMs } from "../rtcp/index.ts";

/** Longest RTT believed; anything above is a stale or foreign LSR. */
const MAX_RTT_MS = 60_000;

/** RTT in ms, or null when the block carries no LSR or the result is implausible. */
export function roundTripMs(lsr: number, dlsr: number, nowMs: number): number | null {
  if (lsr === 0) return null;
  const now = ntpFromUnixMs(nowMs);
  const units = (compactNtp(now.seconds, now.fraction) - lsr - dlsr) >>> 0;
  const ms = (units * 1000) / 65536;
  return ms > MAX_RTT_MS ? null : ms;
}

export class RttEstimator {
  lastMs: number | null = null;

  onReportBlock(lsr: number, dlsr: number, nowMs: number): void {
    const rtt = roundTripMs(lsr, dlsr, nowMs);
    if (rtt !== null) this.lastMs = rtt;
  }
}
