/** Snapshot of one leg's media statistics (the "stats" event, MediaEndpoint.stats()). */
import type { NackCounters } from "./nack-responder.ts";

export interface ReceiveDirectionStats {
  packets: number;
  /** UDP payload bytes (RTP header included). */
  bytes: number;
  bitrateBps: number;
  /** Cumulative lost (RFC 3550 A.3) over all sources seen. */
  lost: number;
  expected: number;
  jitterMs: number;
  ssrc: number | null;
  lastPacketAt: number | null;
}

export interface SendDirectionStats {
  packets: number;
  bytes: number;
  bitrateBps: number;
  ssrc: number;
  /** What the peer last reported about our stream (RR/SR report block), null until one arrived. */
  remote: { fractionLost: number; packetsLost: number; jitterMs: number; at: number } | null;
  /** NACKs from the peer answered from our retransmission cache (null when retransmission is off). */
  nack: NackCounters | null;
}

export interface MediaEndpointStats {
  at: number;
  /** From the leg's peer to us. */
  rx: ReceiveDirectionStats;
  /** From us to the leg's peer. */
  tx: SendDirectionStats;
  /** From the peer's report blocks about our SRs (null until one arrived). */
  rttMs: number | null;
  dropped: number;
}
