/** Typed events and results of calls, as the session layer consumes them. */
import type { SipRequest, SipResponse } from "../message/index.ts";
import type { IncomingRefer, RemoteOffer } from "./incoming-requests.ts";

export type TerminationReason =
  | "local-bye" | "remote-bye" | "session-expired" | "no-ack" | "dialog-lost"
  | "rejected" | "failed" | "cancelled" | "closed";

export interface TerminationInfo { reason: TerminationReason; status?: number }

/** A provisional response of an outgoing call (early SDP when it carries some). */
export interface ProgressInfo { status: number; reason: string; sdp: string | null; reliable: boolean; response: SipResponse }
export interface AnsweredInfo { status: number; sdp: string | null; response: SipResponse }
/** Final failure of an outgoing INVITE: peer's non-2xx, 408 on timeout, 503 on transport failure. */
export interface FailedInfo { status: number; reason: string; response: SipResponse }
export interface PrackInfo { rseq: number; sdp: string | null; request: SipRequest }
export interface InfoRequest { contentType: string; body: Uint8Array; request: SipRequest }

export interface OfferResult {
  ok: boolean;
  status: number;
  reason: string;
  /** The peer's answer (ok) — or null. */
  sdp: string | null;
  response?: SipResponse;
}

export interface CallEvents {
  /** Outgoing: each new provisional (retransmitted reliable ones are not repeated). */
  progress: [ProgressInfo];
  /** Outgoing: the 2xx (ACK already sent). */
  answered: [AnsweredInfo];
  /** Outgoing: final failure (terminated follows). */
  failed: [FailedInfo];
  /** Incoming: CANCEL from the caller (487 already sent). */
  cancelled: [];
  /** Incoming / remote re-INVITE: the ACK for our 2xx (with SDP when it carries the answer). */
  acked: [sdp: string | null];
  /** Incoming: PRACK for a reliable provisional (already answered 200). */
  prack: [PrackInfo];
  /** A re-INVITE or UPDATE with an offer: the session layer answers through the object. */
  "remote-offer": [RemoteOffer];
  info: [InfoRequest];
  refer: [IncomingRefer];
  /** The peer sent BYE (200 already sent; terminated follows). */
  bye: [SipRequest];
  /** A session refresh (either side's re-INVITE/UPDATE) succeeded; the timer restarted with this interval (s). */
  "session-refreshed": [interval: number];
  /** The session timer ran out (a BYE is sent; terminated follows). */
  "session-expired": [];
  terminated: [TerminationInfo];
}
