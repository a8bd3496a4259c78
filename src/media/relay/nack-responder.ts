/**
 * Answers a generic NACK (RFC 4585 §6.2.1) from one stream's retransmission cache: every requested packet
 * the cache still holds is sent again as it was (plain retransmission: none of avsplit's legs negotiates RTX,
 * RFC 4588), the rest is handed back so the caller can forward it toward the original sender when that
 * sender takes NACKs. Like Janus, a packet resent moments ago is not resent for a repeated NACK.
 * Counts per leg in media_nack_packets_total{leg,result}.
 */
import { metrics } from "../../observability/metrics.ts";
import type { RetransmissionCache } from "./retransmission-cache.ts";

export type NackLegKind = "sip" | "browser";
export type NackResult = "served" | "missed" | "repeat";

export interface NackCounters {
  /** NACK messages answered. */
  requests: number;
  /** Packets resent. */
  served: number;
  /** Packets asked for that the cache no longer (or never) had. */
  missed: number;
  /** Packets asked for again within minResendIntervalMs of their last resend: not resent. */
  repeat: number;
}

/** Resends one packet; false when the send failed. */
export type Resend = (packet: Uint8Array) => boolean;

const nackPackets = metrics.counter("media_nack_packets_total", "Packets asked for by NACKs, by leg and result (served, missed, repeat)");
const NO_SEQUENCES: readonly number[] = [];

/** A retransmission in flight needs this long to reach the peer before another NACK for it makes sense. */
export const DEFAULT_MIN_RESEND_INTERVAL_MS = 10;

export class NackResponder {
  readonly counters: NackCounters = { requests: 0, served: 0, missed: 0, repeat: 0 };
  private readonly labels: Record<NackResult, { leg: NackLegKind; result: NackResult }>;

  constructor(
    readonly cache: RetransmissionCache,
    leg: NackLegKind,
    private readonly minResendIntervalMs = DEFAULT_MIN_RESEND_INTERVAL_MS,
  ) {
    this.labels = { served: { leg, result: "served" }, missed: { leg, result: "missed" }, repeat: { leg, result: "repeat" } };
  }

  /** Resends what the cache holds of `lost` (outbound sequence numbers); returns the ones it did not have. */
  serve(lost: readonly number[], nowMs: number, resend: Resend): readonly number[] {
    this.counters.requests++;
    let missed: number[] | null = null;
    let served = 0, repeat = 0;
    for (const seq of lost) {
      const packet = this.cache.get(seq, nowMs);
      if (packet !== null && this.cache.lastResentAt(seq) > nowMs - this.minResendIntervalMs) {
        repeat++;
      } else if (packet !== null && resend(packet)) {
        this.cache.markResent(seq, nowMs);
        served++;
      } else {
        (missed ??= []).push(seq);
      }
    }
    this.count("served", served);
    this.count("repeat", repeat);
    this.count("missed", missed?.length ?? 0);
    return missed ?? NO_SEQUENCES;
  }

  private count(result: NackResult, n: number): void {
    if (n === 0) return;
    this.counters[result] += n;
    nackPackets.inc(this.labels[result], n);
  }
}
