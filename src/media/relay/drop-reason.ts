/** Why the relay dropped a datagram; counted in media_packets_dropped_total{reason}. */
import { metrics } from "../../observability/metrics.ts";

export type DropReason =
  | "truncated"          // larger than the receive buffer
  | "not-rtp"            // neither RTP nor RTCP (random bytes, too short)
  | "stun"               // STUN on a leg without ICE
  | "dtls"               // DTLS on a leg without DTLS-SRTP
  | "rtp-malformed"      // bad version / CSRC / extension / padding lengths
  | "rtcp-malformed"     // compound with bad lengths
  | "rtp-on-rtcp-port"   // RTP arriving on the RTCP (+1) port
  | "unprotect-failed"   // SRTP/SRTCP authentication or replay check failed
  | "protect-failed"
  | "source-mismatch"    // strict source or SDP-address restriction
  | "payload-type"       // not negotiated toward the other leg
  | "no-destination"     // far end not known yet (no SDP address, nothing latched)
  | "send-failed";       // kernel send queue full

const dropped = metrics.counter("media_packets_dropped_total", "Media datagrams dropped by the relay, by reason");
const labels = new Map<DropReason, { reason: DropReason }>();

export function countDrop(reason: DropReason): void {
  let l = labels.get(reason);
  if (!l) labels.set(reason, (l = { reason }));
  dropped.inc(l);
}
