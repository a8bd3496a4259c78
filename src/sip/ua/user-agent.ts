/**
 * The SIP endpoint the session layer talks to: places calls (invite), hands over incoming ones, routes
 * in-dialog requests to their call, answers OPTIONS and what it does not implement (RFC 3261 §8.2),
 * and pings trunks with OPTIONS.
 */
import {
  createResponse, generateCallId, generateTag, SipParseError, type SipRequest, type SipResponse,
} from "../message/index.ts";
import type { InviteServerTransaction, ServerTransaction, TransactionLayer } from "../transaction/index.ts";
import { bracketHost, type Endpoint, type TransportProtocol } from "../transport/types.ts";
import { dialogKey } from "../dialog/index.ts";
import { SipResolver, systemDnsLookup } from "../dns/index.ts";
import { type Clock, systemClock } from "../../util/clock.ts";
import { TypedEmitter } from "../../util/typed-emitter.ts";
import { createLogger } from "../../observability/log.ts";
import { metrics } from "../../observability/metrics.ts";
import type { Call } from "./call.ts";
import type { CallContext } from "./call-context.ts";
import {
  ACCEPT_HEADER, ALLOW_HEADER, isRecognisedMethod, supportedOptions, unsupportedRequired,
} from "./capabilities.ts";
import { IncomingCall } from "./incoming-call.ts";
import { OutgoingCall, type InviteOptions } from "./outgoing-call.ts";
import { OptionsPinger, type TrunkPingOptions } from "./options-pinger.ts";
import { timerHeadersOf } from "./session-timer-headers.ts";
import { DEFAULT_SESSION_TIMER, negotiateAsUas, type SessionTimerOptions, type UasTimerDecision } from "./session-timer-negotiation.ts";

const log = createLogger("sip.ua");
const rejected = metrics.counter("sip_ua_rejected_total", "Requests the user agent rejected itself, by status");
const callsTotal = metrics.counter("sip_calls_total", "Calls (INVITE dialogs) started, by direction");
const callsActive = metrics.gauge("sip_calls_active", "Calls with a live INVITE transaction or dialog");

export interface UserAgentOptions {
  transactions: TransactionLayer;
  /** Source of our addresses for Contact. */
  transport: { localEndpoint(transport: TransportProtocol, family?: 4 | 6): Endpoint };
  clock?: Clock;
  /** User part of our Contact (default "avsplit"). */
  contactUser?: string;
  /** User-Agent / Server header value; none when absent. */
  userAgent?: string;
  /** RFC 4028 settings; false disables session timers. */
  sessionTimer?: Partial<SessionTimerOptions> | false;
  /** How long the session layer may take to decide on a re-INVITE/UPDATE offer or a REFER (default 10 s). */
  decisionTimeoutMs?: number;
  /** An incoming call neither answered nor rejected within this gets 480 (default 180 s). */
  ringTimeoutMs?: number;
  /**
   * An INVITE hop that answers nothing (not even 100 Trying) within this is abandoned for the next SRV/A target
   * when there is one (default 2 s; like Kamailio's fr_timer used for failover) instead of waiting out Timer B.
   */
  hopTimeoutMs?: number;
  /** Calls at most; further INVITEs get 503 (default 10 000). */
  maxCalls?: number;
  /** In-dialog requests matching no dialog from untrusted sources are dropped instead of answered 481. */
  isTrusted?: (source: Endpoint) => boolean;
  /** Host names in targets and routes (default: the system's DNS resolvers). */
  resolver?: SipResolver;
}

export interface UserAgentEvents {
  incoming: [IncomingCall];
  "trunk-state": [name: string, up: boolean, status: number];
}

export class SipUserAgent extends TypedEmitter<UserAgentEvents> {
  private readonly transactions: TransactionLayer;
  private readonly ctx: CallContext;
  private readonly dialogs = new Map<string, Call>();
  private readonly keysOf = new Map<Call, Set<string>>();
  /** §8.2.2.2 merged-request detection: From tag + Call-ID + CSeq of INVITEs being processed. */
  private readonly invitesInProgress = new Map<string, string>();
  private readonly pingers = new Set<OptionsPinger>();
  private readonly maxCalls: number;
  private closed = false;

  constructor(private readonly opts: UserAgentOptions) {
    super();
    this.transactions = opts.transactions;
    this.maxCalls = opts.maxCalls ?? 10_000;
    const sessionTimer = opts.sessionTimer === false ? null : { ...DEFAULT_SESSION_TIMER, ...opts.sessionTimer };
    const contactUser = opts.contactUser ?? "avsplit";
    this.ctx = {
      transactions: opts.transactions,
      clock: opts.clock ?? systemClock,
      sessionTimer,
      supported: supportedOptions(sessionTimer !== null),
      userAgent: opts.userAgent,
      decisionTimeoutMs: opts.decisionTimeoutMs ?? 10_000,
      ringTimeoutMs: opts.ringTimeoutMs ?? 180_000,
      hopTimeoutMs: opts.hopTimeoutMs ?? 2_000,
      contact: (transport) => {
        const local = opts.transport.localEndpoint(transport);
        const param = transport === "udp" ? "" : `;transport=${transport}`;
        return `<sip:${contactUser}@${bracketHost(local.host)}:${local.port}${param}>`;
      },
      bind: (key, call) => this.bind(key, call),
      unbind: (key) => this.unbind(key),
      forget: (call) => this.forget(call),
      log,
      resolver: opts.resolver ?? new SipResolver({ lookup: systemDnsLookup(), clock: opts.clock }),
    };
    this.transactions.on("request", (req, tx, source) => {
      try { this.onRequest(req, tx, source); }
      catch (err) {
        // A header we needed did not parse (or a bug): answer rather than leave the transaction hanging.
        log.warn("request handling failed", { err, method: req.method });
        const status = err instanceof SipParseError ? 400 : 500;
        try { if (!tx.finalResponse) this.respond(tx, status); } catch { /* nothing more to do */ }
      }
    });
    this.transactions.on("stray-response", (res) => {
      try { this.onStrayResponse(res); } catch (err) { log.debug("stray response ignored", { err }); }
    });
  }

  /** Calls with a live dialog or INVITE transaction. */
  get callCount(): number { return this.keysOf.size; }

  /** Place a call. Throws (synchronously) on an unusable target or identity. */
  invite(opts: InviteOptions): OutgoingCall {
    if (this.closed) throw new Error("user agent closed");
    const local = this.opts.transport.localEndpoint(opts.destination?.transport ?? "udp");
    const call = new OutgoingCall(this.ctx, opts, generateCallId(bracketHost(local.host)));
    this.track(call, "out");
    call.start();
    return call;
  }

  /** OPTIONS keep-alive towards a trunk; its state changes are also emitted as "trunk-state". */
  pingTrunk(opts: TrunkPingOptions): OptionsPinger {
    const pinger = new OptionsPinger(this.transactions, this.ctx, opts);
    pinger.on("state", (up, status) => this.emit("trunk-state", opts.name, up, status));
    pinger.on("closed", () => this.pingers.delete(pinger));
    this.pingers.add(pinger);
    pinger.start();
    return pinger;
  }

  /** Stops pingers and ends every call (BYE / CANCEL / 480) without waiting. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const p of [...this.pingers]) p.close();
    for (const call of [...this.keysOf.keys()]) void call.hangup();
  }

  private track(call: Call, direction: "in" | "out"): void {
    if (!this.keysOf.has(call)) this.keysOf.set(call, new Set());
    callsTotal.inc({ direction });
    callsActive.inc();
  }

  private bind(key: string, call: Call): void {
    this.dialogs.set(key, call);
    let keys = this.keysOf.get(call);
    if (!keys) this.keysOf.set(call, (keys = new Set()));
    keys.add(key);
  }

  private unbind(key: string): void {
    const call = this.dialogs.get(key);
    if (!call) return;
    this.dialogs.delete(key);
    this.keysOf.get(call)?.delete(key);
  }

  private forget(call: Call): void {
    const keys = this.keysOf.get(call);
    if (!keys) return;
    for (const key of keys) if (this.dialogs.get(key) === call) this.dialogs.delete(key);
    this.keysOf.delete(call);
    callsActive.dec();
  }

  private respond(tx: ServerTransaction, status: number, headers: [string, string][] = []): void {
    const res = createResponse(tx.request, status, undefined, generateTag());
    for (const [n, v] of headers) res.headers.append(n, v);
    if (this.opts.userAgent) res.headers.set("Server", this.opts.userAgent);
    rejected.inc({ status: String(status) });
    tx.respond(res);
  }

  private onRequest(req: SipRequest, tx: ServerTransaction, source: Endpoint): void {
    if (!isRecognisedMethod(req.method)) return this.respond(tx, 501, [["Allow", ALLOW_HEADER]]);
    const unsupported = unsupportedRequired(req, this.ctx.supported);
    if (unsupported.length > 0) return this.respond(tx, 420, [["Unsupported", unsupported.join(", ")]]);
    const toTag = req.to.params.get("tag");
    if (toTag) {
      const call = this.dialogs.get(dialogKey(req.callId, toTag, req.from.params.get("tag") ?? ""));
      if (call) return call.handleRequest(req, tx);
      if (this.opts.isTrusted && !this.opts.isTrusted(source)) return tx.terminate();
      return this.respond(tx, 481);
    }
    switch (req.method) {
      case "INVITE": return this.onInvite(req, tx as InviteServerTransaction, source);
      case "OPTIONS":
        return this.respond(tx, 200, [["Allow", ALLOW_HEADER], ["Accept", ACCEPT_HEADER], ["Supported", this.ctx.supported.join(", ")]]);
      case "REGISTER": case "SUBSCRIBE": case "PUBLISH": case "MESSAGE":
        return this.respond(tx, 405, [["Allow", ALLOW_HEADER]]);
      default:
        return this.respond(tx, 481);
    }
  }

  private onInvite(req: SipRequest, tx: InviteServerTransaction, source: Endpoint): void {
    if (this.closed || this.keysOf.size >= this.maxCalls) return this.respond(tx, 503, [["Retry-After", "5"]]);
    const mergeKey = `${req.callId}\n${req.from.params.get("tag") ?? ""}\n${req.cseq.seq}`;
    const branch = req.topVia.params.get("branch") ?? "";
    const seen = this.invitesInProgress.get(mergeKey);
    if (seen !== undefined && seen !== branch) return this.respond(tx, 482);
    let decision: UasTimerDecision = { kind: "none" };
    if (this.ctx.sessionTimer) {
      decision = negotiateAsUas(timerHeadersOf(req), this.ctx.sessionTimer);
      if (decision.kind === "reject") return this.respond(tx, 422, [["Min-SE", String(decision.minSE)]]);
    }
    this.invitesInProgress.set(mergeKey, branch);
    tx.once("terminated", () => this.invitesInProgress.delete(mergeKey));
    const call = new IncomingCall(this.ctx, req, tx, source, decision);
    this.track(call, "in");
    this.emit("incoming", call);
  }

  private onStrayResponse(res: SipResponse): void {
    const call = this.dialogs.get(dialogKey(res.callId, res.from.params.get("tag") ?? "", res.to.params.get("tag") ?? ""));
    call?.handleStrayResponse(res);
  }
}
