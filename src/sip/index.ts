/**
 * Public facade of the SIP stack (RFC 3261 layers: message -> transport -> transaction -> dialog/UA).
 * The session layer needs only this module: start a SipStack, use `stack.ua` to place and take calls.
 */
import { SipTransportLayer, type TransportLayerOptions } from "./transport/index.ts";
import { TransactionLayer, type TimerSettings } from "./transaction/index.ts";
import { SourceGuard, type SourceGuardOptions } from "./trust/index.ts";
import { SipTrace, type SipTraceOptions } from "./trace.ts";
import { SipUserAgent, type UserAgentOptions } from "./ua/index.ts";
import { SipResolver, systemDnsLookup, type DnsLookup } from "./dns/index.ts";
import { hopQuery } from "./dialog/index.ts";
import { parseUri } from "./message/index.ts";
import type { Clock } from "../util/clock.ts";
import type { Endpoint } from "./transport/index.ts";

export interface SipStackOptions {
  /** Listen specs: "udp:127.0.0.1:5060", "tcp:0.0.0.0:5060", "tls:[::1]:5061" (port 0 = ephemeral). */
  listen: string[];
  advertise?: string;
  tls?: TransportLayerOptions["tls"];
  limits?: TransportLayerOptions["limits"];
  /** RFC 3261 T1/T2/T4 etc. */
  timers?: Partial<TimerSettings>;
  /** Who may send INVITEs (and the rate limit); absent = everyone (tests, lab). */
  trust?: SourceGuardOptions;
  /** Message trace per Call-ID; absent = a default-sized trace. */
  trace?: SipTraceOptions;
  /** User agent settings (Contact user, User-Agent header, session timers, limits). */
  ua?: Omit<UserAgentOptions, "transactions" | "transport" | "clock" | "isTrusted" | "resolver">;
  /** DNS for host names in targets (RFC 3263): `servers` ("10.0.0.53", "127.0.0.1:5353"; none = the system's), or a lookup (tests). */
  dns?: { servers?: string[]; lookup?: DnsLookup };
  clock?: Clock;
}

export class SipStack {
  private closed = false;

  private constructor(
    readonly transport: SipTransportLayer,
    readonly transactions: TransactionLayer,
    readonly ua: SipUserAgent,
    readonly trace: SipTrace,
    readonly guard: SourceGuard | null,
    readonly resolver: SipResolver,
  ) {}

  /** Binds the listen addresses and wires the layers. */
  static async start(opts: SipStackOptions): Promise<SipStack> {
    const trace = new SipTrace({ ...opts.trace, clock: opts.clock });
    const guard = opts.trust ? new SourceGuard({ ...opts.trust, clock: opts.trust.clock ?? opts.clock }) : null;
    const transport = new SipTransportLayer({
      listen: opts.listen, advertise: opts.advertise, tls: opts.tls, limits: opts.limits, trace,
      filter: guard ?? undefined, clock: opts.clock,
    });
    await transport.start();
    const transactions = new TransactionLayer({ transport, clock: opts.clock, timers: opts.timers });
    const resolver = new SipResolver({ lookup: opts.dns?.lookup ?? systemDnsLookup(opts.dns?.servers), clock: opts.clock });
    const ua = new SipUserAgent({
      ...opts.ua, transactions, transport, clock: opts.clock, resolver,
      isTrusted: guard ? (source) => guard.trunkFor(source.host) !== null : undefined,
    });
    return new SipStack(transport, transactions, ua, trace, guard, resolver);
  }

  /** Resolves a target URI's host name ahead of calls (answers cached); rejects like a call to it would fail. */
  async warmDns(uri: string): Promise<Endpoint[]> {
    return this.resolver.resolve(hopQuery(parseUri(uri)));
  }

  /** Ends calls (best effort), stops transactions and closes sockets. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.ua.close();
    this.transactions.close();
    await this.transport.close();
  }
}

export {
  SipUserAgent, Call, CallStateError, OutgoingCall, IncomingCall, RemoteOffer, IncomingRefer, OptionsPinger,
  DEFAULT_SESSION_TIMER, sdpOf,
  type UserAgentOptions, type UserAgentEvents, type CallState, type InviteOptions, type ProgressOptions,
  type ReferProgress, type TrunkPingOptions, type TrunkState, type CallEvents, type OfferResult,
  type TerminationReason, type TerminationInfo, type ProgressInfo, type AnsweredInfo, type FailedInfo,
  type PrackInfo, type InfoRequest, type SessionTimerOptions,
} from "./ua/index.ts";
export type { DigestCredentials } from "./auth/index.ts";
export type { Endpoint, TransportProtocol } from "./transport/index.ts";
export type { TimerSettings } from "./transaction/index.ts";
export type { SourceGuardOptions, TrunkSource } from "./trust/index.ts";
export { SipTrace, type TraceEntry, type SipTraceOptions } from "./trace.ts";
export {
  SipHeaders, SipRequest, SipResponse, SipParseError, parseNameAddr, parseUri, formatUri, type SipUri, type NameAddr,
} from "./message/index.ts";
export { UnroutableUriError } from "./dialog/index.ts";
export { SipResolver, UnresolvableHostError, type DnsLookup, type HostQuery } from "./dns/index.ts";
