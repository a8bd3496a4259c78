/**
 * INVITE server transaction, RFC 3261 §17.2.1 (Timers G, H, I, 100 Trying) with the RFC 6026 "Accepted" state.
 * As a helper for the TU, a 2xx is retransmitted here (T1 doubling to T2, §13.3.1.4) until the layer matches
 * its ACK or 64*T1 passes (Timer L).
 */
import { createResponse, generateTag, type SipRequest, type SipResponse } from "../message/index.ts";
import { ServerTransaction } from "./server-transaction.ts";

export class InviteServerTransaction extends ServerTransaction {
  private wasCancelled = false;
  private ackReceived = false;
  private generatedTag: string | undefined;

  /** Called by the layer right after creation. */
  start(): void {
    this.timers.start("100", this.ctx.timers.trying100Ms, () => this.sendTrying());
  }

  get cancelled(): boolean { return this.wasCancelled; }
  get acked(): boolean { return this.ackReceived; }

  respond(res: SipResponse): boolean {
    if (this.state !== "proceeding") return false;
    this.timers.stop("100");
    const { t1, t2 } = this.ctx.timers;
    if (res.status < 200) {
      this.lastProvisional = res;
      this.send(res);
      return true;
    }
    this.finalResponse = res;
    this.send(res);
    if (res.status < 300) {
      this.state = "accepted";
      this.retransmit("2xx", t1, t2, () => this.state === "accepted" && !this.ackReceived);
      this.timers.start("L", 64 * t1, () => {
        if (!this.ackReceived) this.emit("ack-timeout");
        this.terminate();
      });
    } else {
      this.state = "completed";
      if (!this.reliable) this.retransmit("G", t1, t2, () => this.state === "completed");
      this.timers.start("H", 64 * t1, () => {
        if (this.state !== "completed") return;
        this.emit("ack-timeout");
        this.terminate();
      });
    }
    return true;
  }

  receive(req: SipRequest): void {
    if (req.method === "ACK") {
      if (this.state === "completed") {
        this.state = "confirmed";
        this.timers.stop("G");
        this.timers.stop("H");
        this.timers.start("I", this.reliable ? 0 : this.ctx.timers.t4, () => this.terminate());
        this.emit("acked", req);
      } else if (this.state === "accepted") {
        this.ack2xx(req);      // a peer that reused the INVITE branch for the 2xx ACK
      }
      return;
    }
    if (this.state === "proceeding") {
      if (this.lastProvisional) this.send(this.lastProvisional);
      else this.sendTrying();
    } else if (this.state === "completed" && this.finalResponse) {
      this.send(this.finalResponse);
    }
    // accepted / confirmed: absorbed (the 2xx retransmission timer covers a lost 2xx)
  }

  /**
   * The layer matched an ACK for our 2xx (Call-ID, CSeq number). The peer has the 2xx, so only INVITE copies
   * still in the network can arrive: Timer L is cut to T4 (as Timer I after a non-2xx ACK) to free memory sooner.
   */
  ack2xx(ack: SipRequest): void {
    if (this.state !== "accepted" || this.ackReceived) return;
    this.ackReceived = true;
    this.timers.stop("2xx");
    this.timers.start("L", this.reliable ? 0 : this.ctx.timers.t4, () => this.terminate());
    this.emit("acked", ack);
  }

  /** CANCEL for this INVITE (RFC 3261 §9.2): while no final was sent, answers 487 and tells the TU. */
  cancel(cancel: SipRequest): void {
    if (this.state !== "proceeding") return;
    this.wasCancelled = true;
    const res = createResponse(this.request, 487, "Request Terminated");
    setToTag(res, this.responseTag());
    this.respond(res);
    this.emit("cancelled", cancel);
  }

  /** The To tag of what we answered so far, or a new one (kept for later responses, e.g. 200 to CANCEL). */
  responseTag(): string {
    const sent = this.finalResponse ?? this.lastProvisional;
    const existing = sent ? toTagOf(sent) : undefined;
    return existing ?? (this.generatedTag ??= generateTag());
  }

  private sendTrying(): void {
    if (this.state !== "proceeding" || this.lastProvisional) return;
    this.lastProvisional = createResponse(this.request, 100, "Trying");
    this.send(this.lastProvisional);
  }

  private retransmit(name: string, interval: number, cap: number, active: () => boolean): void {
    this.timers.start(name, interval, () => {
      if (!active() || !this.finalResponse) return;
      this.send(this.finalResponse);
      this.retransmit(name, Math.min(interval * 2, cap), cap, active);
    });
  }
}

function toTagOf(res: SipResponse): string | undefined {
  try { return res.to.params.get("tag") ?? undefined; } catch { return undefined; }
}

/** Adds ;tag=... to the To header when it has none. */
export function setToTag(res: SipResponse, tag: string): void {
  const to = res.headers.get("To");
  if (to !== undefined && toTagOf(res) === undefined) res.headers.set("To", `${to};tag=${tag}`);
}
