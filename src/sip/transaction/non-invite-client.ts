/** Non-INVITE client transaction, RFC 3261 §17.1.2 (Timers E, F, K). */
import type { SipResponse } from "../message/index.ts";
import { ClientTransaction } from "./client-transaction.ts";

export class NonInviteClientTransaction extends ClientTransaction {
  start(): void {
    const { t1, t2 } = this.ctx.timers;
    this.send(this.request);
    if (!this.reliable) {
      // Trying: E doubles up to T2; Proceeding: E is T2.
      this.retransmitEvery("E", t1, (ms) => (this.state === "proceeding" ? t2 : Math.min(2 * ms, t2)),
        () => this.state === "trying" || this.state === "proceeding");
    }
    this.timers.start("F", 64 * t1, () => { if (this.state === "trying" || this.state === "proceeding") this.timeout(); });
  }

  receive(res: SipResponse): void {
    if (this.state !== "trying" && this.state !== "proceeding") return;   // completed: absorb retransmissions
    if (res.status < 200) {
      this.state = "proceeding";
      this.emit("provisional", res);
      return;
    }
    this.state = "completed";
    this.timers.stopAll();
    this.timers.start("K", this.reliable ? 0 : this.ctx.timers.t4, () => this.terminate());
    this.emit("final", res);
  }
}
