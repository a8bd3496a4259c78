import type { SipMessage, SipRequest, SipResponse } from "../message/index.ts";
import type { Destination, Endpoint, InboundMessage, TransportProtocol } from "../transport/types.ts";
import type { Clock } from "../../util/clock.ts";
import type { TimerSettings } from "./timers.ts";

/** What the transaction layer needs from a transport; SipTransportLayer implements it, tests fake it. */
export interface TransactionTransport {
  on(event: "message", fn: (m: InboundMessage) => void): unknown;
  off(event: "message", fn: (m: InboundMessage) => void): unknown;
  send(message: SipMessage, dest: Destination): Promise<void>;
  /** Route a response to the request that came from source (RFC 3261 §18.2.2, RFC 3581). */
  sendResponse(res: SipResponse, source: Endpoint): Promise<void>;
  localEndpoint(transport: TransportProtocol, family?: 4 | 6): Endpoint;
  isReliable(transport: TransportProtocol): boolean;
}

/** Shared by the transactions of one layer. */
export interface TransactionContext {
  transport: TransactionTransport;
  clock: Clock;
  timers: TimerSettings;
  /** Starts a client transaction for a request the layer builds (CANCEL). */
  sendRequest(req: SipRequest, dest: Destination): unknown;
  /** Called once when a transaction terminates, so the layer forgets it. */
  terminated(tx: { readonly key: string }): void;
}
