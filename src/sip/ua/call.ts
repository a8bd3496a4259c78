/**
 * One INVITE dialog usage as the session layer sees it: in-dialog requests both ways (re-INVITE with 491
 * glare retry, UPDATE, INFO, REFER, BYE), session timers, 2xx ACKs. OutgoingCall / IncomingCall add the
 * initial INVITE transaction of each role.
 */
import { createResponse, SipResponse, type SipRequest } from "../message/index.ts";
import type { ServerTransaction } from "../transaction/index.ts";
import { TypedEmitter } from "../../util/typed-emitter.ts";
import type { Dialog } from "../dialog/index.ts";
import type { DigestAuthenticator } from "../auth/index.ts";
import { ALLOW_HEADER, ACCEPT_HEADER, peerAllows } from "./capabilities.ts";
import { sdpOf, SDP_TYPE, textBody } from "./body.ts";
import { glareRetryDelayMs } from "./glare.ts";
import { IncomingRefer, RemoteOffer, type ReplyParts } from "./incoming-requests.ts";
import { ReferNotifier } from "./refer-notifier.ts";
import { SessionTimer } from "./session-timer.ts";
import { timerAnswerHeaders, timerHeadersOf, timerRequestHeaders } from "./session-timer-headers.ts";
import { negotiateAsUac, negotiateAsUas, retryAfter422, uacTimerRequest } from "./session-timer-negotiation.ts";
import type { CallContext } from "./call-context.ts";
import type { CallEvents, OfferResult, TerminationReason } from "./call-events.ts";
import { InDialogClient } from "./in-dialog-client.ts";

export type CallState = "early" | "established" | "terminated";

const MAX_GLARE_RETRIES = 5;

export abstract class Call extends TypedEmitter<CallEvents> {
  state: CallState = "early";
  /** The confirmed (or, before the answer, the current early) dialog. */
  dialog: Dialog | null = null;
  /** Last SDP we sent as offer or answer (re-sent by session refresh re-INVITEs). */
  localSdp: string | null = null;
  /** Allow list of the peer, from its INVITE or 2xx. */
  protected peerCaps: SipRequest | SipResponse | undefined;
  protected readonly timer: SessionTimer;
  protected timerState: { seconds: number; minSE: number } | null = null;
  protected readonly client: InDialogClient;
  private localQueue: Promise<unknown> = Promise.resolve();
  private localOfferPending = false;
  private remoteInvitePending = false;
  private remoteOfferPending = false;
  private byeSent: Promise<void> | null = null;

  constructor(protected readonly ctx: CallContext, readonly callId: string, authenticator: DigestAuthenticator | undefined) {
    super();
    this.timer = new SessionTimer(ctx.clock);
    this.timer.on("refresh", () => this.refreshSession());
    this.timer.on("expired", () => {
      this.emit("session-expired");
      void this.bye([], "session-expired");
    });
    this.client = new InDialogClient(ctx, () => this.requireDialog(), authenticator, (res) => this.onDialogLost(res));
  }

  /** Seconds of the running session timer, null when none. */
  get sessionInterval(): number | null { return this.timer.interval; }

  /** re-INVITE with a new offer; a 491 is retried after the RFC 3261 §14.1 delay, a 422 with a larger interval. */
  reinvite(sdp: string | null, headers: [string, string][] = []): Promise<OfferResult> {
    return this.serial(() => this.sendOffer("INVITE", sdp, headers));
  }

  /** UPDATE (RFC 3311), with an offer or (sdp null) as a bare session refresh. */
  update(sdp: string | null, headers: [string, string][] = []): Promise<OfferResult> {
    return this.serial(() => this.sendOffer("UPDATE", sdp, headers));
  }

  /** INFO in the dialog; rejects with CallStateError when the call has no dialog (any more). */
  async info(contentType: string, body: string, headers: [string, string][] = []): Promise<SipResponse> {
    const { response } = await this.client.send("INFO", { headers, contentType, body: textBody(body) });
    return response;
  }

  /** Ends an established call with BYE. Idempotent; resolves when the BYE transaction ended. */
  bye(headers: [string, string][] = [], reason: TerminationReason = "local-bye"): Promise<void> {
    if (this.byeSent) return this.byeSent;
    // Early dialogs end by CANCEL (caller) or a final response (callee): see hangup().
    if (this.state !== "established" || !this.dialog) return Promise.resolve();
    // send() takes the dialog synchronously, before terminate() makes it unusable for new requests
    this.byeSent = this.client.send("BYE", { headers, prepare: (req) => this.decorate(req) }).then(() => undefined, () => undefined);
    this.terminate(reason);
    return this.byeSent;
  }

  /** Ends the call whatever its state (BYE, CANCEL or reject as fits). */
  abstract hangup(): Promise<void>;

  /** An in-dialog request routed here by the user agent. */
  handleRequest(req: SipRequest, tx: ServerTransaction): void {
    const dialog = this.dialog;
    if (!dialog || this.state === "terminated") return this.reply(tx, { status: 481 });
    if (!dialog.acceptRemoteCseq(req)) return this.reply(tx, { status: 500, reason: "CSeq Out Of Order" });
    if (req.headers.has("Allow")) this.peerCaps = req;
    switch (req.method) {
      case "INVITE": return this.onReinvite(req, tx);
      case "UPDATE": return this.onUpdate(req, tx);
      case "PRACK": return this.onPrack(req, tx);
      case "BYE": return this.onBye(req, tx);
      case "INFO":
        this.reply(tx, { status: 200 });
        this.emit("info", { contentType: req.headers.get("Content-Type") ?? "", body: req.body, request: req });
        return;
      case "REFER": return this.onRefer(req, tx);
      case "OPTIONS": return this.reply(tx, { status: 200, headers: [["Accept", ACCEPT_HEADER]] });
      case "NOTIFY": return this.reply(tx, { status: 481, reason: "Subscription Does Not Exist" });
      default: return this.reply(tx, { status: 405 });
    }
  }

  /** A 2xx retransmission that outlived its transaction: ACK it again. */
  handleStrayResponse(res: SipResponse): void {
    this.client.reAck(res);
  }

  protected onPrack(_req: SipRequest, tx: ServerTransaction): void {
    this.reply(tx, { status: 481 });
  }

  protected onBye(req: SipRequest, tx: ServerTransaction): void {
    this.reply(tx, { status: 200 });
    this.emit("bye", req);
    this.terminate("remote-bye");
  }

  /** Response to a request of this dialog, with our tag, Contact on dialog-creating / target-refresh answers, Allow on 405. */
  protected buildReply(tx: ServerTransaction, parts: ReplyParts): SipResponse {
    const res = createResponse(tx.request, parts.status, parts.reason, this.dialog?.localTag);
    this.decorate(res);
    const method = tx.request.method;
    const contactNeeded = parts.status > 100 && parts.status < 300 && method === "INVITE"
      || parts.status >= 200 && parts.status < 300 && method === "UPDATE";
    if (contactNeeded && this.dialog) res.headers.append("Contact", this.dialog.localContact);
    for (const [n, v] of parts.headers ?? []) res.headers.append(n, v);
    if (parts.sdp) {
      res.headers.set("Content-Type", SDP_TYPE);
      res.body = textBody(parts.sdp);
      this.localSdp = parts.sdp;
    }
    return res;
  }

  protected reply(tx: ServerTransaction, parts: ReplyParts): void {
    tx.respond(this.buildReply(tx, parts));
  }

  /** Allow / Supported / User-Agent on everything we send. */
  protected decorate(msg: SipRequest | SipResponse): void {
    msg.headers.set("Allow", ALLOW_HEADER);
    msg.headers.set("Supported", this.ctx.supported.join(", "));
    if (this.ctx.userAgent) msg.headers.set(msg instanceof SipResponse ? "Server" : "User-Agent", this.ctx.userAgent);
  }

  /** Session timer from the 2xx of an INVITE/UPDATE we sent. */
  protected applyUacTimer(res: SipResponse): void {
    if (!this.ctx.sessionTimer) return;
    const t = negotiateAsUac(timerHeadersOf(res));
    if (!t) { this.timer.stop(); return; }
    this.timerState = { seconds: t.seconds, minSE: Math.max(this.timerState?.minSE ?? 0, this.ctx.sessionTimer.minSE) };
    this.restartTimer(t.seconds, t.localRefreshes);
  }

  /** Session-timer headers for an INVITE/UPDATE we send (initial when no timer runs yet). */
  protected timerRequestHeaders(msg: SipRequest): void {
    if (!this.ctx.sessionTimer) return;
    const running = this.timer.interval !== null;
    const t = uacTimerRequest(this.ctx.sessionTimer, this.timerState, running ? this.timer.localRefreshes : undefined);
    for (const [n, v] of timerRequestHeaders(t)) msg.headers.set(n, v);
  }

  private restartTimer(seconds: number, localRefreshes: boolean): void {
    const refresh = this.state === "established";
    this.timer.start(seconds, localRefreshes);
    if (refresh) this.emit("session-refreshed", seconds);
  }

  protected terminate(reason: TerminationReason, status?: number): void {
    if (this.state === "terminated") return;
    this.state = "terminated";
    this.timer.stop();
    if (this.dialog) this.dialog.state = "terminated";
    this.ctx.forget(this);
    this.emit("terminated", { reason, status });
  }

  protected requireDialog(): Dialog {
    if (!this.dialog || this.state === "terminated") throw new CallStateError("no dialog to send in");
    return this.dialog;
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.localQueue.then(fn, fn);
    this.localQueue = run.catch(() => undefined);
    return run;
  }

  private async sendOffer(method: "INVITE" | "UPDATE", sdp: string | null, headers: [string, string][]): Promise<OfferResult> {
    for (let attempt = 0; ; attempt++) {
      // (re-checked after each glare wait: the call may have ended meanwhile)
      if (this.state !== "established") return { ok: false, status: 481, reason: "Call Not Established", sdp: null };
      // RFC 3311 §5.1 / RFC 3261 §14.1: answer the peer's pending offer before making one.
      if (this.remoteOfferPending) return { ok: false, status: 491, reason: "Remote Offer Pending", sdp: null };
      this.localOfferPending = true;
      const { response } = await this.client.send(method, {
        headers, contentType: sdp ? SDP_TYPE : undefined, body: sdp ? textBody(sdp) : undefined,
        prepare: (req) => { this.decorate(req); this.timerRequestHeaders(req); },
        onAck: (res) => this.dialog?.refreshTarget(res),
      }).finally(() => { this.localOfferPending = false; });
      const status = response.status;
      if (status === 491 && attempt < MAX_GLARE_RETRIES && this.state === "established") {
        await this.delay(glareRetryDelayMs(this.dialog!.isUac));
        continue;
      }
      if (status === 422 && this.timerState && attempt < MAX_GLARE_RETRIES) {
        const min = timerHeadersOf(response).minSE;
        const next = retryAfter422(this.timerState, min);
        if (next) { this.timerState = next; continue; }
      }
      if (status >= 200 && status < 300) {
        if (sdp) this.localSdp = sdp;
        if (response.headers.has("Allow")) this.peerCaps = response;
        this.applyUacTimer(response);
      }
      return { ok: status >= 200 && status < 300, status, reason: response.reason, sdp: sdpOf(response), response };
    }
  }

  private delay(ms: number): Promise<void> {
    return new Promise((resolve) => this.ctx.clock.setTimeout(resolve, ms));
  }

  private refreshSession(): void {
    if (this.state !== "established") return;
    const byUpdate = peerAllows(this.peerCaps, "UPDATE");
    (byUpdate ? this.update(null) : this.reinvite(this.localSdp))
      .catch((err) => this.ctx.log.warn("session refresh failed", { callId: this.callId, err }));
  }

  /** RFC 3261 §12.2.1.2: 481 or 408 to an in-dialog request ends the dialog. */
  private onDialogLost(res: SipResponse): void {
    if (this.state === "terminated") return;
    this.ctx.log.info("dialog lost", { callId: this.callId, status: res.status });
    if (res.status === 408) void this.bye([], "dialog-lost");
    else this.terminate("dialog-lost", res.status);
  }

  private onReinvite(req: SipRequest, tx: ServerTransaction): void {
    if (this.localOfferPending) return this.reply(tx, { status: 491 });
    // §14.2: a second INVITE before our final response to the first (or while one is in progress) gets 500
    if (this.state === "early" || this.remoteInvitePending || this.remoteOfferPending) {
      return this.reply(tx, { status: 500, headers: [["Retry-After", String(1 + Math.floor(Math.random() * 10))]] });
    }
    this.answerOffer("INVITE", req, tx);
  }

  private onUpdate(req: SipRequest, tx: ServerTransaction): void {
    const sdp = sdpOf(req);
    if (sdp && (this.localOfferPending || this.remoteOfferPending)) return this.reply(tx, { status: 491 });
    if (!sdp) {
      // Bare refresh (RFC 4028 §9): no offer for the session layer.
      const decision = this.uasTimer(req, tx);
      if (!decision) return;
      this.dialog!.refreshTarget(req);
      this.replyWithTimer(tx, { status: 200 }, decision);
      return;
    }
    this.answerOffer("UPDATE", req, tx);
  }

  private answerOffer(method: "INVITE" | "UPDATE", req: SipRequest, tx: ServerTransaction): void {
    const decision = this.uasTimer(req, tx);
    if (!decision) return;
    this.dialog!.refreshTarget(req);
    if (method === "INVITE") this.remoteInvitePending = true;
    this.remoteOfferPending = true;
    const offer = new RemoteOffer(method, sdpOf(req), req, this.ctx.clock, this.ctx.decisionTimeoutMs, (parts) => {
      this.remoteOfferPending = false;
      if (method === "INVITE") {
        tx.once("acked", (ack) => { this.remoteInvitePending = false; this.emit("acked", sdpOf(ack)); });
        tx.once("ack-timeout", () => { this.remoteInvitePending = false; void this.bye([], "no-ack"); });
        if (parts.status >= 300) this.remoteInvitePending = false;
      }
      if (parts.status >= 200 && parts.status < 300) this.replyWithTimer(tx, parts, decision);
      else this.reply(tx, parts);
    });
    this.emit("remote-offer", offer);
  }

  /** The RFC 4028 UAS decision for a request, or null after answering 422. */
  private uasTimer(req: SipRequest, tx: ServerTransaction): ReturnType<typeof negotiateAsUas> | null {
    if (!this.ctx.sessionTimer) return { kind: "none" };
    const decision = negotiateAsUas(timerHeadersOf(req), this.ctx.sessionTimer);
    if (decision.kind === "reject") {
      this.reply(tx, { status: 422, headers: [["Min-SE", String(decision.minSE)]] });
      return null;
    }
    return decision;
  }

  protected replyWithTimer(tx: ServerTransaction, parts: ReplyParts, decision: ReturnType<typeof negotiateAsUas>): void {
    const headers = [...(parts.headers ?? [])];
    if (decision.kind === "accept") {
      headers.push(...timerAnswerHeaders(decision));
      this.timerState = { seconds: decision.sessionExpires.seconds, minSE: Math.max(this.ctx.sessionTimer!.minSE, timerHeadersOf(tx.request).minSE ?? 0) };
      this.restartTimer(decision.sessionExpires.seconds, decision.localRefreshes);
    } else {
      this.timer.stop();
    }
    this.reply(tx, { ...parts, headers });
  }

  private onRefer(req: SipRequest, tx: ServerTransaction): void {
    const referTo = req.headers.get("Refer-To");
    if (!referTo || req.headers.getAll("Refer-To").length !== 1) return this.reply(tx, { status: 400, reason: "Bad Refer-To" });
    const refer = new IncomingRefer(referTo, req.headers.get("Referred-By"), req, this.ctx.clock, this.ctx.decisionTimeoutMs,
      (parts) => this.reply(tx, parts),
      () => new ReferNotifier(this.client, req.cseq.seq));
    this.emit("refer", refer);
  }
}

export class CallStateError extends Error {
  readonly code = "call-state";
}
