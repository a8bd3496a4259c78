/** Which keyframe request mechanisms a peer accepts, from its SDP `a=rtcp-fb` lines for the video payload type. */

export interface PeerFeedback {
  /** `a=rtcp-fb:<pt> nack pli` */
  pli: boolean;
  /** `a=rtcp-fb:<pt> ccm fir` */
  fir: boolean;
  /** Allowed to send SIP INFO picture_fast_update (RFC 5168 has no SDP signalling: a local policy). */
  sipInfo: boolean;
}

/** `feedback` entries as sdp-transform gives them: `{ type: "nack", subtype: "pli" }`, `{ type: "ccm", subtype: "fir" }`. */
export function peerFeedbackFromRtcpFb(
  feedback: { type: string; subtype?: string }[],
  allowSipInfo = true,
): PeerFeedback {
  const has = (type: string, subtype: string) =>
    feedback.some((f) => f.type.toLowerCase() === type && (f.subtype ?? "").toLowerCase().split(/\s+/)[0] === subtype);
  return { pli: has("nack", "pli"), fir: has("ccm", "fir"), sipInfo: allowSipInfo };
}
