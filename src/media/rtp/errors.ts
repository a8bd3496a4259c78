/** Why an RTP packet was rejected; also the `code` of RtpParseError. */
export type RtpErrorCode =
  | "truncated"
  | "bad-version"
  | "bad-csrc"
  | "bad-extension"
  | "bad-padding"
  | "bad-extension-element"
  | "bad-telephone-event";

export class RtpParseError extends Error {
  override readonly name = "RtpParseError";
  constructor(readonly code: RtpErrorCode, message?: string) {
    super(message ?? `RTP: ${code}`);
  }
}
