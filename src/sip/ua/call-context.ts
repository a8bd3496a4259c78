/** What a call needs from its user agent (kept as an interface so calls do not import the user agent). */
import type { TransactionLayer } from "../transaction/index.ts";
import type { TransportProtocol } from "../transport/types.ts";
import type { SipResolver } from "../dns/index.ts";
import type { Clock } from "../../util/clock.ts";
import type { Logger } from "../../observability/log.ts";
import type { SessionTimerOptions } from "./session-timer-negotiation.ts";
import type { Call } from "./call.ts";

export interface CallContext {
  transactions: TransactionLayer;
  clock: Clock;
  /** null = session timers disabled. */
  sessionTimer: SessionTimerOptions | null;
  /** Option tags for Supported. */
  supported: string[];
  userAgent: string | undefined;
  /** How long the session layer may take to decide on a remote offer or REFER. */
  decisionTimeoutMs: number;
  /** An incoming call not answered or rejected within this gets 480. */
  ringTimeoutMs: number;
  /** An INVITE hop that has sent nothing at all within this is given up for the next RFC 3263 target, if any. */
  hopTimeoutMs: number;
  /** Our Contact header value for a transport. */
  contact(transport: TransportProtocol): string;
  /** Route in-dialog requests and stray responses of this dialog key to the call. */
  bind(key: string, call: Call): void;
  unbind(key: string): void;
  /** Forget every key of the call. */
  forget(call: Call): void;
  log: Logger;
  /** RFC 3263 next hops for host names (cached answers). */
  resolver: SipResolver;
}
