/**
 * A call we place (UAC, RFC 3261 §13.2): the initial INVITE with digest and 422 retries, early dialogs per
 * To tag with automatic PRACK of reliable provisionals (RFC 3262 §4), CANCEL, and forked 2xx (ACK + BYE).
 */
import {
  SipHeaders, SipRequest, createResponse, formatNameAddr, generateTag, parseNameAddr, parseUri,
  type SipResponse,
} from "../message/index.ts";
import type { InviteClientTransaction } from "../transaction/index.ts";
import type { Endpoint } from "../transport/types.ts";
import { Dialog, uriToEndpoint } from "../dialog/index.ts";
import { DigestAuthenticator, type AuthorizationHeader, type DigestCredentials } from "../auth/index.ts";
import { Call } from "./call.ts";
import type { CallContext } from "./call-context.ts";
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
  /** Where to send (trunk / outbound proxy); default: from the target URI. */
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
  private readonly destination: Endpoint;
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
    const target = parseUri(opts.target);
    this.destination = opts.destination ?? uriToEndpoint(target);
    if (this.ctx.sessionTimer) this.timerState = { seconds: this.ctx.sessionTimer.sessionExpires, minSE: this.ctx.sessionTimer.minSE };
    this.invite = this.buildInvite(1);
  }

  /** Sends the INVITE; called once by the user agent. */
  start(): void {
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
    h.append("Contact", this.ctx.contact(this.destination.transport));
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
    const tx = this.ctx.transactions.sendRequest(invite, this.destination) as InviteClientTransaction;
    this.tx = tx;
    tx.on("provisional", (res) => this.guard(res, () => this.onProvisional(invite, res)));
    tx.on("final", (res) => this.guard(res, () => this.onFinal(invite, res)));
    tx.once("timeout", (res) => this.fail(res));
    tx.once("transport-error", (err) => {
      this.ctx.log.warn("INVITE transport error", { callId: this.callId, err });
      this.fail(createResponse(invite, 503, "Service Unavailable"));
    });
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
      e = { dialog: Dialog.fromUacResponse(invite, res, this.ctx.contact(this.destination.transport), this.destination.transport), rseq: new RSeqTracker() };
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
    }, () => dialog.nextHop(), this.authenticator).then(({ response }) => {
      if (response.status >= 300) this.ctx.log.warn("PRACK rejected", { callId: this.callId, status: response.status });
    }, (err) => this.ctx.log.warn("PRACK failed", { callId: this.callId, err }));
  }

  private onFinal(invite: SipRequest, res: SipResponse): void {
    if (res.status >= 200 && res.status < 300) return this.on2xx(invite, res);
    if (this.state !== "early") return;
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
    for (const e of this.early.values()) this.ctx.unbind(e.dialog.key);
    this.early.clear();
    this.dialog = null;
    this.send(this.buildInvite(previous.cseq.seq + 1));
  }

  private on2xx(invite: SipRequest, res: SipResponse): void {
    const tag = res.to.params.get("tag") ?? "";
    if (this.answeredTag === tag) return this.client.reAck(res);
    const contact = this.ctx.contact(this.destination.transport);
    if (this.answeredTag !== null || this.state === "terminated") {
      // RFC 3261 §13.2.2.4: a second dialog from a forking proxy is acknowledged and ended at once.
      const fork = Dialog.fromUacResponse(invite, res, contact, this.destination.transport);
      this.ctx.transactions.sendStateless(fork.createAck(invite), fork.nextHop()).catch(() => {});
      void sendWithAuth(this.ctx.transactions, () => fork.createRequest("BYE"), () => fork.nextHop(), this.authenticator).catch(() => {});
      return;
    }
    this.answeredTag = tag;
    const existing = this.early.get(tag)?.dialog;
    const dialog = existing ?? Dialog.fromUacResponse(invite, res, contact, this.destination.transport);
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

