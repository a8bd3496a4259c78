/**
 * A call we receive (UAS, RFC 3261 §13.3): provisional responses (reliable per RFC 3262 when asked or
 * required), answer with session timer, reject, CANCEL and PRACK handling. The 2xx is retransmitted by
 * the INVITE server transaction until the ACK.
 */
import type { SipRequest } from "../message/index.ts";
import type { InviteServerTransaction, ServerTransaction } from "../transaction/index.ts";
import type { Endpoint } from "../transport/types.ts";
import { Dialog } from "../dialog/index.ts";
import { Call } from "./call.ts";
import type { CallContext } from "./call-context.ts";
import { sdpOf } from "./body.ts";
import { hasOptionTag } from "./capabilities.ts";
import { ReliableProvisionalSender, parseRAck, type RAck } from "./reliable-provisional.ts";
import type { UasTimerDecision } from "./session-timer-negotiation.ts";

export interface ProgressOptions {
  /** Send reliably (RFC 3262); forced on when the INVITE requires 100rel, ignored when the peer lacks it. */
  reliable?: boolean;
  sdp?: string | null;
  headers?: [string, string][];
}

export class IncomingCall extends Call {
  private reliable: ReliableProvisionalSender | null = null;
  private answering = false;

  constructor(
    ctx: CallContext,
    readonly request: SipRequest,
    private readonly tx: InviteServerTransaction,
    readonly source: Endpoint,
    private readonly timerDecision: UasTimerDecision,
  ) {
    super(ctx, request.callId, undefined);
    this.dialog = Dialog.fromUasRequest(request, tx.responseTag(), ctx.contact(source.transport), source.transport);
    this.peerCaps = request;
    ctx.bind(this.dialog.key, this);
    const ring = ctx.clock.setTimeout(() => this.reject(480, "No Answer"), ctx.ringTimeoutMs);
    this.once("terminated", () => ctx.clock.clearTimeout(ring));
    this.once("acked", () => ctx.clock.clearTimeout(ring));
    tx.on("cancelled", () => {
      if (this.state !== "early") return;
      this.reliable?.close();
      this.emit("cancelled");
      this.terminate("cancelled", 487);
    });
  }

  /** The caller's offer (null: the caller expects ours in the 2xx). */
  get offer(): string | null { return sdpOf(this.request); }

  get peerSupports100rel(): boolean {
    return hasOptionTag(this.request, "Supported", "100rel") || hasOptionTag(this.request, "Require", "100rel");
  }

  /** Send a provisional response (101-199). False when too late (final sent) or the reliable queue is full. */
  progress(status = 180, opts: ProgressOptions = {}): boolean {
    if (this.state !== "early" || this.answering || status <= 100 || status >= 200) return false;
    const required = hasOptionTag(this.request, "Require", "100rel");
    const reliable = required || (opts.reliable === true && this.peerSupports100rel);
    const res = this.buildReply(this.tx, { status, sdp: opts.sdp, headers: opts.headers });
    if (!reliable) return this.tx.respond(res);
    this.reliable ??= this.createReliableSender();
    const rseq = this.reliable.send((n) => {
      res.headers.set("RSeq", String(n));
      res.headers.append("Require", "100rel");
      return () => { this.tx.respond(res); };
    }, res.body.length > 0);
    return rseq !== null;
  }

  /**
   * 200 OK with our SDP. Waits for the PRACK of a reliable provisional that carried SDP (RFC 3262 §3).
   * Resolves false when the call ended meanwhile or was answered already.
   */
  async answer(sdp: string | null, headers: [string, string][] = []): Promise<boolean> {
    if (this.state !== "early" || this.answering) return false;
    this.answering = true;
    const pending = this.reliable;
    if (pending?.unacknowledgedBody) {
      const acked = await new Promise<boolean>((resolve) => {
        const check = () => { if (!pending.unacknowledgedBody) { done(); resolve(true); } };
        const fail = () => { done(); resolve(false); };
        const done = () => { pending.off("acknowledged", check); pending.off("timeout", fail); this.off("terminated", fail); };
        pending.on("acknowledged", check);
        pending.on("timeout", fail);
        this.on("terminated", fail);
      });
      if (!acked || this.state !== "early") return false;
    }
    this.reliable?.close();
    this.tx.once("acked", (ack) => this.emit("acked", sdpOf(ack)));
    this.tx.once("ack-timeout", () => void this.bye([], "no-ack"));
    this.replyWithTimer(this.tx, { status: 200, sdp, headers }, this.timerDecision);
    this.state = "established";
    this.dialog!.state = "confirmed";
    return true;
  }

  /** Final non-2xx (default 486 Busy Here). */
  reject(status = 486, reason?: string, headers: [string, string][] = []): boolean {
    if (this.state !== "early" || this.answering || status < 300) return false;
    this.reliable?.close();
    this.reply(this.tx, { status, reason, headers });
    this.terminate("rejected", status);
    return true;
  }

  hangup(): Promise<void> {
    if (this.state === "early" && !this.answering) { this.reject(480); return Promise.resolve(); }
    return this.bye();
  }

  protected override onPrack(req: SipRequest, tx: ServerTransaction): void {
    let rack: RAck | null = null;
    try { rack = parseRAck(req.headers.get("RAck") ?? ""); } catch { /* no match */ }
    if (!rack || !this.reliable?.onPrack(rack)) return this.reply(tx, { status: 481 });
    this.reply(tx, { status: 200 });
    this.emit("prack", { rseq: rack.rseq, sdp: sdpOf(req), request: req });
  }

  /** The caller may BYE an early dialog (§15): the INVITE then gets 487. */
  protected override onBye(req: SipRequest, tx: ServerTransaction): void {
    if (this.state === "early" && !this.answering) {
      this.reliable?.close();
      this.reply(this.tx, { status: 487 });
    }
    super.onBye(req, tx);
  }

  private createReliableSender(): ReliableProvisionalSender {
    const { t1, t2 } = this.ctx.transactions.timers;
    const sender = new ReliableProvisionalSender(this.request.cseq.seq, this.ctx.clock, { t1, t2 });
    sender.on("timeout", () => {
      if (this.state !== "early") return;
      this.reply(this.tx, { status: 504, reason: "Reliable Provisional Not Acknowledged" });
      this.terminate("failed", 504);
    });
    return sender;
  }
}
