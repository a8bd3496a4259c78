export type RtcpErrorCode =
  | "truncated"
  | "bad-version"
  | "bad-length"
  | "bad-padding"
  | "bad-count"
  | "bad-type"
  | "bad-item"
  | "too-many-packets";

export class RtcpParseError extends Error {
  override readonly name = "RtcpParseError";
  constructor(readonly code: RtcpErrorCode, message?: string) {
    super(message ?? `RTCP: ${code}`);
  }
}
