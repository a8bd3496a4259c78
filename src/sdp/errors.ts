/** Why an SDP body was refused before any negotiation happened. */
export type SdpErrorCode =
  | "too-large"
  | "too-many-lines"
  | "line-too-long"
  | "too-many-media"
  | "too-many-formats"
  | "too-many-attributes"
  | "bad-line"
  | "bad-version"
  | "bad-origin"
  | "bad-connection"
  | "bad-media"
  | "bad-port"
  | "bad-rtpmap"
  | "bad-fmtp"
  | "bad-attribute"
  | "no-media"
  | "bad-answer";

/** Malformed or hostile SDP. The only exception this module throws. */
export class SdpError extends Error {
  override readonly name = "SdpError";
  constructor(readonly code: SdpErrorCode, message: string) {
    super(message);
  }
}

/** RFC 3261 §20.43 warn-codes used when an offer cannot be accepted. */
export type WarnCode = 301 | 302 | 304 | 305 | 370;

const WARN_TEXT: Record<WarnCode, string> = {
  301: "Incompatible network address formats",
  302: "Incompatible transport protocol",
  304: "Media type not available",
  305: "Incompatible media format",
  370: "Insufficient bandwidth",
};

/** A well-formed offer that cannot be negotiated: the SIP layer replies 488 with this Warning. */
export interface SdpRejection {
  readonly status: 488;
  readonly warnCode: WarnCode;
  readonly warnText: string;
  /** Human detail for logs and audit. */
  readonly detail: string;
}

export function rejection(warnCode: WarnCode, detail: string): SdpRejection {
  return { status: 488, warnCode, warnText: WARN_TEXT[warnCode], detail };
}

/** Value of a SIP Warning header: `305 avsplit.example "Incompatible media format"`. */
export function formatWarning(r: SdpRejection, agent: string): string {
  return `${r.warnCode} ${agent} "${r.warnText}"`;
}
