import type { SipRequest } from "./message.ts";

/**
 * Malformed SIP input. `code` is machine-readable ("bad-start-line", "bad-content-length", "too-large",
 * "too-many-headers", "header-too-long", "bad-header:Via", "bad-version", "unsupported-uri-scheme", ...).
 * When the start line and the headers needed to answer (Via, From, To, Call-ID, CSeq) were readable,
 * `request` is attached so the transport can answer statelessly with `status` (400, or 505 for a bad
 * SIP version, 416 for an unsupported Request-URI scheme) and `reason`.
 */
export class SipParseError extends Error {
  override readonly name = "SipParseError";
  request?: SipRequest;

  constructor(
    readonly code: string,
    message: string,
    /** Status to answer with when `request` is present. */
    readonly status = 400,
  ) {
    super(message);
  }

  /** Reason phrase for the answer, e.g. "Bad Request (bad-header:CSeq)". */
  get reason(): string {
    if (this.status === 505) return "Version Not Supported";
    if (this.status === 416) return "Unsupported URI Scheme";
    return `Bad Request (${this.code})`;
  }
}
