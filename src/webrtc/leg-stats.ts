import type { NackCounters } from "../media/relay/index.ts";

/** Packet and byte counters of one browser leg, each way (bytes: RTP/RTCP as handed in or out, before SRTP). */
export interface DirectionCounters { packets: number; bytes: number }

export interface AgentVideoLegStats {
  /** Caller RTP sent to the browser. */
  rtpSent: DirectionCounters;
  /** Browser RTP received (authenticated). */
  rtpReceived: DirectionCounters;
  rtcpSent: DirectionCounters;
  rtcpReceived: DirectionCounters;
  /** sendRtp/sendRtcp calls dropped: not connected yet, closed, or unprotectable. */
  sendDropped: number;
  /** Inbound packets dropped: SRTP authentication/replay failures, malformed RTCP. */
  receiveRejected: number;
  keyframeRequestsReceived: number;
  keyframeRequestsSent: number;
  /** Socket errors (e.g. ICMP port unreachable after the browser went away). */
  socketErrors: number;
  /** The browser's NACKs answered from the leg's retransmission cache (lean path; werift's path answers its own). */
  nack: NackCounters;
}

export function emptyLegStats(): AgentVideoLegStats {
  return {
    rtpSent: { packets: 0, bytes: 0 }, rtpReceived: { packets: 0, bytes: 0 },
    rtcpSent: { packets: 0, bytes: 0 }, rtcpReceived: { packets: 0, bytes: 0 },
    sendDropped: 0, receiveRejected: 0, keyframeRequestsReceived: 0, keyframeRequestsSent: 0, socketErrors: 0,
    nack: { requests: 0, served: 0, missed: 0, repeat: 0 },
  };
}
