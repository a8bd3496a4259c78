/** Typed failures of a browser leg: what the session layer can tell the widget or the audit log. */
export type WebRtcLegErrorCode =
  | "bad-offer"          // not a single video m-line with BUNDLE-able DTLS-SRTP, or unparsable SDP
  | "no-matching-h264"   // the browser offered no H.264 format matching the caller's profile and mode
  | "bad-caller-fmtp"    // the caller's H.264 fmtp is unusable (bad profile-level-id or packetization-mode)
  | "werift-internals"   // the installed werift does not have the shape the lean media path relies on
  | "closed";            // the leg was closed before the call completed

export class WebRtcLegError extends Error {
  override readonly name = "WebRtcLegError";
  constructor(readonly code: WebRtcLegErrorCode, message: string) {
    super(message);
  }
}
