/** Why a packet was not protected/unprotected. Rejections are counted, never thrown. */
export type SrtpRejectReason =
  | "malformed" // too short, not RTP/RTCP version 2, header longer than the packet
  | "auth" // authentication tag (or AEAD tag) did not verify
  | "replay" // index already seen inside the replay window
  | "too-old"; // index behind the replay window (or before the start of the stream)

export const SRTP_REJECT_REASONS: readonly SrtpRejectReason[] = ["malformed", "auth", "replay", "too-old"];

/** Bad key material or parameters (wrong lengths, unknown suite, unsupported SDES options). */
export class SrtpKeyError extends Error {
  constructor(readonly code: SrtpKeyErrorCode, message: string) {
    super(message);
    this.name = "SrtpKeyError";
  }
}

export type SrtpKeyErrorCode =
  | "unknown-suite"
  | "bad-key-length"
  | "bad-syntax"
  | "multiple-keys"
  | "suite-mismatch"
  | "unsupported-param"
  | "bad-lifetime";
