import type { SipRequest, SipResponse } from "../message/index.ts";
import type { Endpoint } from "./types.ts";

/** Verdict on a parsed inbound message, taken before it reaches the transaction layer. */
export type FilterVerdict =
  /** trusted: false = the source is on no allow list; the message is passed on but kept out of the trace. */
  | { action: "pass"; trusted?: boolean }
  | { action: "drop"; reason: string }
  /** Answer statelessly (requests only; responses and ACKs are dropped instead). */
  | { action: "reject"; status: number; reason: string };

export interface InboundFilter {
  /** Before parsing: false drops the packet unparsed (cheap per-source rate limiting under flood). */
  admit?(remote: Endpoint): boolean;
  check(message: SipRequest | SipResponse, remote: Endpoint): FilterVerdict;
}
