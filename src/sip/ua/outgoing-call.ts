/**
 * A call we place (UAC, RFC 3261 §13.2): the initial INVITE with digest and 422 retries, early dialogs per
 * To tag with automatic PRACK of reliable provisionals (RFC 3262 §4), CANCEL, and forked 2xx (ACK + BYE).
 * A host name in the target is resolved by RFC 3263; a hop that does not answer, fails or answers 503 before
 * ringing is replaced by the next SRV target / address (§4.3).
 */
import {
  SipHeaders, SipRequest, createResponse, formatNameAddr, generateTag, parseNameAddr, parseUri,
  type SipResponse,
} from "../message/index.ts";
import type { InviteClientTransaction } from "../transaction/index.ts";
import type { Endpoint, TransportProtocol } from "../transport/types.ts";
import { Dialog, hopQuery } from "../dialog/index.ts";
import type { HostQuery } from "../dns/index.ts";
import { DigestAuthenticator, type AuthorizationHeader, type DigestCredentials } from "../auth/index.ts";
import { Call } from "./call.ts";
import type { CallContext } from "./call-context.ts";
import type { TimerHandle } from "../../util/clock.ts";
import { sdpOf, SDP_TYPE, textBody } from "./body.ts";
import { hasOptionTag } from "./capabilities.ts";
import { authInput, challengesOf, sendWithAuth } from "./request-sender.ts";
import { RSeqTracker, formatRAck, parseRSeq } from "./reliable-provisional.ts";
import { timerHeadersOf } from "./session-timer-headers.ts";
import { retryAfter422 } from "./session-timer-negotiation.ts";

export interface InviteOptions {
  /** Request-URI, e.g. "sip:+4930123456@192.0.2.10:5060". */
  target: string;
  /** Our identity (name-addr or URI); a tag is added. */
  from: string;
  /** Default: the target. */
  to?: string;
  /** Where to send (trunk / outbound proxy); default: from the target URI (RFC 3263, host names via DNS). */
  destination?: Endpoint;
  headers?: [string, string][];
  /** The offer. */
  sdp?: string | null;
  /** Alternative body (e.g. multipart SDP + PIDF-LO); overrides sdp. */
  body?: { contentType: string; data: Uint8Array };
  /** Answer 401/407 challenges with these. */
  credentials?: DigestCredentials;
}

const MAX_RETRIES = 4;
/** Early dialogs (forks) tracked per call; provisionals from further forks are ignored. */
const MAX_EARLY_DIALOGS = 16;

interface EarlyDialog { dialog: Dialog; rseq: RSeqTracker }

export class OutgoingCall extends Call {
  /** The INVITE last sent (after auth/422 retries, the latest one). */
  invite: SipRequest;
  private tx: InviteClientTransaction | undefined;
  private readonly transport: TransportProtocol;
  /** What to resolve when no destination was given. */
  private readonly query: HostQuery | null;
  /** Hop of the INVITE in flight, and those left to fail over to. */
  private destination: Endpoint | undefined;
  private alternatives: Endpoint[] = [];
  /** The current hop sent a provisional beyond 100: it is alive, no failover any more. */
  private progressed = false;
  /** Armed while the current hop has answered nothing and another one is left. */
  private hopTimer: TimerHandle | undefined;
  private readonly early = new Map<string, EarlyDialog>();
  private readonly authenticator: DigestAuthenticator | undefined;
  private auth: AuthorizationHeader[] = [];
  private retries = 0;
  private cancelRequested = false;
  private answeredTag: string | null = null;
  private readonly localTag = generateTag();

  constructor(ctx: CallContext, private readonly opts: InviteOptions, callId: string) {
    const authenticator = opts.credentials ? new DigestAuthenticator(opts.credentials) : undefined;
    super(ctx, callId, authenticator);
    this.authenticator = authenticator;
    this.query = opts.destination ? null : hopQuery(parseUri(opts.target));
    this.transport = opts.destination?.transport ?? this.query!.transport;
    if (this.ctx.sessionTimer) this.timerState = { seconds: this.ctx.sessionTimer.sessionExpires, minSE: this.ctx.sessionTimer.minSE };
    this.invite = this.buildInvite(1);
  }

  /** Sends the INVITE (once the target is resolved); called once by the user agent. */
  start(): void {
    const hops = this.query ? this.ctx.resolver.resolve(this.query) : [this.opts.destination!];
    if (Array.isArray(hops)) return this.sendTo(hops);
    hops.then((list) => this.sendTo(list)).catch((err: Error) => {
      this.ctx.log.warn("INVITE not sent", { callId: this.callId, target: this.opts.target, err });
      this.fail(createResponse(this.invite, 503, `Service Unavailable (${err.message})`));
    });
  }

  private sendTo(hops: Endpoint[]): void {
    if (this.state !== "early") return;
    if (this.cancelRequested) return this.fail(createResponse(this.invite, 487, "Request Terminated"));
    [this.destination, ...this.alternatives] = hops;
    this.send(this.invite);
  }

  /** CANCEL while early (sent once a provisional arrived). A 2xx racing the CANCEL gets ACK + BYE. */
  cancel(): void {
    if (this.state !== "early" || this.cancelRequested) return;
    this.cancelRequested = true;
    this.tx?.cancel();
  }

  hangup(): Promise<void> {
    if (this.state === "early") { this.cancel(); return Promise.resolve(); }
    return this.bye();
  }

  private buildInvite(seq: number): SipRequest {
    const o = this.opts;
    const from = parseNameAddr(o.from, "From");
    from.params.set("tag", this.localTag);
    const h = new SipHeaders();
    h.append("Max-Forwards", "70");
    h.append("From", formatNameAddr(from));
    h.append("To", formatNameAddr(parseNameAddr(o.to ?? `<${o.target}>`, "To")));
    h.append("Call-ID", this.callId);
    h.append("CSeq", `${seq} INVITE`);
    h.append("Contact", this.ctx.contact(this.transport));
    const req = new SipRequest("INVITE", parseUri(o.target), h);
    this.decorate(req);
    this.timerRequestHeaders(req);
    for (const [n, v] of o.headers ?? []) req.headers.append(n, v);
    if (o.body) {
      req.headers.set("Content-Type", o.body.contentType);
      req.body = o.body.data;
    } else if (o.sdp) {
      req.headers.set("Content-Type", SDP_TYPE);
      req.body = textBody(o.sdp);
      this.localSdp = o.sdp;
    }
    for (const a of this.auth) req.headers.append(a.name, a.value);
    return req;
  }

  private send(invite: SipRequest): void {
    this.invite = invite;
    this.progressed = false;
    const tx = this.ctx.transactions.sendRequest(invite, this.destination!) as InviteClientTransaction;
    this.tx = tx;
    this.armHopTimer(tx, invite);
    tx.on("provisional", (res) => {
      this.clearHopTimer();
      if (res.status > 100) this.progressed = true;
      this.guard(res, () => this.onProvisional(invite, res));
    });
    tx.on("final", (res) => {
      this.clearHopTimer();
      this.guard(res, () => this.onFinal(invite, res));
    });
    tx.once("timeout", (res) => this.failOver(invite) || this.fail(res));
    tx.once("transport-error", (err) => {
      this.ctx.log.warn("INVITE transport error", { callId: this.callId, destination: this.destination, err });
      if (!this.failOver(invite)) this.fail(createResponse(invite, 503, "Service Unavailable"));
    });
  }

  /**
   * A hop that answers nothing at all (a dead host: UDP gives no error) is abandoned after hopTimeoutMs when another
   * target is left; its transaction is ended so a late answer from it is not taken for this call's.
   */
  private armHopTimer(tx: InviteClientTransaction, invite: SipRequest): void {
    this.clearHopTimer();
    if (this.alternatives.length === 0) return;
    this.hopTimer = this.ctx.clock.setTimeout(() => {
      this.hopTimer = undefined;
      if (this.tx !== tx || tx.state !== "calling") return;
      this.ctx.log.info("INVITE hop silent", { callId: this.callId, destination: this.destination, afterMs: this.ctx.hopTimeoutMs });
      if (this.failOver(invite)) tx.terminate();
    }, this.ctx.hopTimeoutMs);
  }

  private clearHopTimer(): void {
    if (this.hopTimer === undefined) return;
    this.ctx.clock.clearTimeout(this.hopTimer);
    this.hopTimer = undefined;
  }

  /** RFC 3263 §4.3: this hop timed out, failed or answered 503 before ringing: the INVITE goes to the next one. */
  private failOver(previous: SipRequest): boolean {
    this.clearHopTimer();
    if (this.alternatives.length === 0 || this.state !== "early" || this.cancelRequested || this.progressed) return false;
    const failed = this.destination;
    this.destination = this.alternatives.shift();
    this.ctx.log.info("INVITE fails over to the next hop", { callId: this.callId, failed, next: this.destination });
    this.resend(previous);
    return true;
  }

  /** A response whose To/Contact/RSeq does not parse must not leave the call hanging. */
  private guard(res: SipResponse, fn: () => void): void {
    try { fn(); } catch (err) {
      this.ctx.log.warn("unusable response to INVITE", { callId: this.callId, status: res.status, err });
      if (res.status >= 200) this.fail(createResponse(this.invite, 502, "Bad Gateway"));
    }
  }

  private earlyDialog(invite: SipRequest, res: SipResponse, tag: string): EarlyDialog | null {
    let e = this.early.get(tag);
    if (!e) {
      if (this.early.size >= MAX_EARLY_DIALOGS) return null;
      e = { dialog: Dialog.fromUacResponse(invite, res, this.ctx.contact(this.transport), this.transport), rseq: new RSeqTracker() };
      this.early.set(tag, e);
      this.ctx.bind(e.dialog.key, this);
    } else {
      e.dialog.refreshTarget(res);
    }
    return e;
  }

  private onProvisional(invite: SipRequest, res: SipResponse): void {
    if (res.status === 100 || this.state !== "early") return;
    const tag = res.to.params.get("tag");
    let reliable = false;
    if (tag) {
      const e = this.earlyDialog(invite, res, tag);
      if (!e) return;
      this.dialog ??= e.dialog;
      const rseqValue = res.headers.get("RSeq");
      if (hasOptionTag(res, "Require", "100rel") && rseqValue !== undefined) {
        let rseq: number;
        try { rseq = parseRSeq(rseqValue); } catch { return; }
        if (e.rseq.accept(rseq) === "ignore") return;
        reliable = true;
        this.prack(e.dialog, invite, rseq);
      }
    }
    this.emit("progress", { status: res.status, reason: res.reason, sdp: sdpOf(res), reliable, response: res });
  }

  private prack(dialog: Dialog, invite: SipRequest, rseq: number): void {
    const rack = formatRAck({ rseq, cseq: invite.cseq.seq, method: "INVITE" });
    sendWithAuth(this.ctx.transactions, () => {
      const req = dialog.createRequest("PRACK", { headers: [["RAck", rack]] });
      this.decorate(req);
      return req;
    }, () => dialog.resolveNextHop(this.ctx.resolver), this.authenticator).then(({ response }) => {
      if (response.status >= 300) this.ctx.log.warn("PRACK rejected", { callId: this.callId, status: response.status });
    }, (err) => this.ctx.log.warn("PRACK failed", { callId: this.callId, err }));
  }

  private onFinal(invite: SipRequest, res: SipResponse): void {
    if (res.status >= 200 && res.status < 300) return this.on2xx(invite, res);
    if (this.state !== "early") return;
    if (res.status === 503 && this.failOver(invite)) return;
    if ((res.status === 401 || res.status === 407) && this.authenticator && !this.cancelRequested && this.retries < MAX_RETRIES) {
      const next = this.authenticator.respond(res.status, challengesOf(res), authInput(invite), this.auth);
      if (next) {
        this.auth = next;
        return this.retry(invite);
      }
    }
    if (res.status === 422 && this.timerState && !this.cancelRequested && this.retries < MAX_RETRIES) {
      const next = retryAfter422(this.timerState, timerHeadersOf(res).minSE);
      if (next) {
        this.timerState = next;
        return this.retry(invite);
      }
    }
    this.fail(res);
  }

  private retry(previous: SipRequest): void {
    this.retries++;
    this.resend(previous);
  }

  /** A new INVITE (next CSeq, new branch) without the early dialogs of the previous one. */
  private resend(previous: SipRequest): void {
    for (const e of this.early.values()) this.ctx.unbind(e.dialog.key);
    this.early.clear();
    this.dialog = null;
    this.send(this.buildInvite(previous.cseq.seq + 1));
  }

  private on2xx(invite: SipRequest, res: SipResponse): void {
    const tag = res.to.params.get("tag") ?? "";
    if (this.answeredTag === tag) return this.client.reAck(res);
    const contact = this.ctx.contact(this.transport);
    if (this.answeredTag !== null || this.state === "terminated") {
      // RFC 3261 §13.2.2.4: a second dialog from a forking proxy is acknowledged and ended at once.
      const fork = Dialog.fromUacResponse(invite, res, contact, this.transport);
      const hop = () => fork.resolveNextHop(this.ctx.resolver);
      Promise.resolve(hop()).then((dest) => this.ctx.transactions.sendStateless(fork.createAck(invite), dest)).catch(() => {});
      void sendWithAuth(this.ctx.transactions, () => fork.createRequest("BYE"), hop, this.authenticator).catch(() => {});
      return;
    }
    this.answeredTag = tag;
    const existing = this.early.get(tag)?.dialog;
    const dialog = existing ?? Dialog.fromUacResponse(invite, res, contact, this.transport);
    if (existing) existing.confirmFromResponse(res);
    for (const [t, e] of this.early) if (t !== tag) this.ctx.unbind(e.dialog.key);
    this.early.clear();
    this.dialog = dialog;
    this.ctx.bind(dialog.key, this);
    this.peerCaps = res;
    this.client.ack(dialog, invite, res);
    this.applyUacTimer(res);
    this.state = "established";
    if (this.cancelRequested) {
      void this.bye([], "cancelled");
      return;
    }
    this.emit("answered", { status: res.status, sdp: sdpOf(res), response: res });
  }

  private fail(res: SipResponse): void {
    if (this.state !== "early") return;
    this.emit("failed", { status: res.status, reason: res.reason, response: res });
    this.terminate(this.cancelRequested || res.status === 487 ? "cancelled" : "failed", res.status);
  }
}

