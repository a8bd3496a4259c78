import type { SipRequest, SipResponse } from "../message/index.ts";
import type { Endpoint } from "./types.ts";

/** Verdict on a parsed inbound message, taken before it reaches the transaction layer. */
export type FilterVerdict =
  | { action: "pass" }
  | { action: "drop"; reason: string }
  /** Answer statelessly (requests only; responses and ACKs are dropped instead). */
  | { action: "reject"; status: number; reason: string };

export interface InboundFilter {
  /** Before parsing: false drops the packet unparsed (cheap per-source rate limiting under flood). */
  admit?(remote: Endpoint): boolean;
  check(message: SipRequest | SipResponse, remote: Endpoint): FilterVerdict;
}
