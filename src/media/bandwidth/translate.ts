/**
 * Bitrate limits between legs: TMMBR/TMMBN (RFC 5104, VoLTE) <-> REMB (browsers) <-> b=AS / b=TIAS (SDP).
 * TMMBR and REMB both count whole packets (headers included); `overhead` says how many header bytes per packet that is.
 */
import { ReceiverEstimatedMaxBitrate } from "../rtcp/psfb/remb.ts";
import { type TmmbEntry, Tmmbn, Tmmbr } from "../rtcp/rtpfb/tmmb.ts";

/** IPv4 (20) + UDP (8) + RTP (12): what a TMMBR says when we have not measured anything better. */
export const DEFAULT_PACKET_OVERHEAD = 40;

export interface OverheadAdjustment {
  /** Packet rate of the stream, to convert a per-packet overhead difference into bits/s. */
  packetsPerSecond: number;
  /** Per-packet overhead on the leg the limit is forwarded to (e.g. +10 for SRTP auth tag, +20 for IPv6). */
  targetOverhead: number;
}

function adjust(bitrate: number, overhead: number, adj?: OverheadAdjustment): number {
  if (!adj) return bitrate;
  return Math.max(0, bitrate + (adj.targetOverhead - overhead) * 8 * adj.packetsPerSecond);
}

/** The smallest TMMBR entry aimed at one of `mediaSsrcs` (all entries when empty), as REMB; null when none applies. */
export function tmmbrToRemb(
  tmmbr: Tmmbr,
  opts: { senderSsrc: number; mediaSsrcs: number[]; adjust?: OverheadAdjustment },
): ReceiverEstimatedMaxBitrate | null {
  const entries = tmmbr.entries.filter((e) => opts.mediaSsrcs.length === 0 || opts.mediaSsrcs.includes(e.ssrc));
  if (entries.length === 0) return null;
  const bitrate = Math.min(...entries.map((e) => adjust(e.bitrate, e.overhead, opts.adjust)));
  return new ReceiverEstimatedMaxBitrate(opts.senderSsrc, bitrate, opts.mediaSsrcs.length ? opts.mediaSsrcs : entries.map((e) => e.ssrc));
}

export function rembToTmmbr(
  remb: ReceiverEstimatedMaxBitrate,
  opts: { senderSsrc: number; mediaSsrc: number; overhead?: number },
): Tmmbr {
  const overhead = opts.overhead ?? DEFAULT_PACKET_OVERHEAD;
  return new Tmmbr(opts.senderSsrc, [{ ssrc: opts.mediaSsrc, bitrate: remb.bitrate, overhead }]);
}

/** The TMMBN answering a TMMBR we accept as is (RFC 5104 §3.5.4.2: we are the only one in the bounding set). */
export function tmmbnFor(tmmbr: Tmmbr, senderSsrc: number, requesterSsrc: number): Tmmbn {
  const entries: TmmbEntry[] = tmmbr.entries.map((e) => ({ ssrc: requesterSsrc, bitrate: e.bitrate, overhead: e.overhead }));
  return new Tmmbn(senderSsrc, entries);
}

/** b=AS is in kbit/s (RFC 4566 §5.8), headers included. */
export function bAsToBps(kbps: number): number { return kbps * 1000; }
export function bpsToBAs(bps: number): number { return Math.floor(bps / 1000); }

/** b=TIAS (RFC 3890) excludes IP/UDP/RTP headers: add them back at the stream's packet rate. */
export function tiasToBps(tias: number, packetsPerSecond: number, overhead = DEFAULT_PACKET_OVERHEAD): number {
  return tias + overhead * 8 * packetsPerSecond;
}
