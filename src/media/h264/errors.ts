export type H264ErrorCode = "truncated" | "bad-nal" | "bad-aggregate" | "bad-exp-golomb" | "bad-sps" | "bad-sprop";

export class H264ParseError extends Error {
  override readonly name = "H264ParseError";
  constructor(readonly code: H264ErrorCode, message?: string) {
    super(message ?? `H.264: ${code}`);
  }
}
