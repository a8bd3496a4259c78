/** INVITE client transaction, RFC 3261 §17.1.1 with the RFC 6026 "Accepted" state; CANCEL per §9.1. */
import type { SipRequest, SipResponse } from "../message/index.ts";
import { ClientTransaction } from "./client-transaction.ts";
import type { NonInviteClientTransaction } from "./non-invite-client.ts";
import { buildCancel, buildNon2xxAck } from "./requests.ts";

export class InviteClientTransaction extends ClientTransaction {
  private ack: SipRequest | undefined;
  private cancelRequested: [string, string][] | undefined;
  private cancelSent = false;

  start(): void {
    const t1 = this.ctx.timers.t1;
    this.send(this.request);
    if (!this.reliable) this.retransmitEvery("A", t1, (ms) => ms * 2, () => this.state === "calling");
    this.timers.start("B", 64 * t1, () => { if (this.state === "calling") this.timeout(); });
  }

  /**
   * Cancel the INVITE (RFC 3261 §9.1): sends CANCEL now if a provisional arrived, else as soon as one does.
   * Returns the CANCEL's transaction when sent now; undefined when deferred or when a final already arrived.
   */
  cancel(extraHeaders: [string, string][] = []): NonInviteClientTransaction | undefined {
    if (this.cancelSent || (this.state !== "calling" && this.state !== "proceeding")) return undefined;
    if (this.state === "calling") {
      this.cancelRequested = extraHeaders;
      return undefined;
    }
    return this.sendCancel(extraHeaders);
  }

  receive(res: SipResponse): void {
    const s = res.status;
    if (s < 200) {
      if (this.state !== "calling" && this.state !== "proceeding") return;
      this.state = "proceeding";
      this.timers.stop("A");
      this.timers.stop("B");
      if (this.ctx.timers.timerC > 0) this.timers.start("C", this.ctx.timers.timerC, () => this.cancel());
      this.emit("provisional", res);
      if (this.cancelRequested && !this.cancelSent) this.sendCancel(this.cancelRequested);
    } else if (s < 300) {
      if (this.state === "calling" || this.state === "proceeding") {
        this.state = "accepted";
        this.timers.stopAll();
        this.timers.start("M", 64 * this.ctx.timers.t1, () => this.terminate());
        this.emit("final", res);
      } else if (this.state === "accepted") {
        this.emit("final", res);
      }
    } else if (this.state === "calling" || this.state === "proceeding") {
      this.state = "completed";
      this.timers.stopAll();
      this.ack = buildNon2xxAck(this.request, res);
      this.sendAck(this.ack);
      this.timers.start("D", this.reliable ? 0 : this.ctx.timers.timerD, () => this.terminate());
      this.emit("final", res);
    } else if (this.state === "completed" && this.ack) {
      this.sendAck(this.ack);  // the final was retransmitted: our ACK got lost
    }
  }

  /** The final is already with the TU: a failed ACK is not worth a second, contradicting report. */
  private sendAck(ack: SipRequest): void {
    this.ctx.transport.send(ack, this.destination).catch(() => {});
  }

  private sendCancel(extraHeaders: [string, string][]): NonInviteClientTransaction {
    this.cancelSent = true;
    this.cancelRequested = undefined;
    // §9.1: if no final arrives within 64*T1 after the CANCEL, consider the INVITE transaction over.
    this.timers.start("cancel", 64 * this.ctx.timers.t1, () => {
      if (this.state === "calling" || this.state === "proceeding") this.timeout();
    });
    return this.ctx.sendRequest(buildCancel(this.request, extraHeaders), this.destination) as NonInviteClientTransaction;
  }
}
