/** Non-INVITE server transaction, RFC 3261 §17.2.2 (Timer J). */
import type { SipResponse } from "../message/index.ts";
import { ServerTransaction } from "./server-transaction.ts";

export class NonInviteServerTransaction extends ServerTransaction {
  respond(res: SipResponse): boolean {
    if (this.state !== "trying" && this.state !== "proceeding") return false;
    if (res.status < 200) {
      this.state = "proceeding";
      this.lastProvisional = res;
      this.send(res);
      return true;
    }
    this.state = "completed";
    this.finalResponse = res;
    this.send(res);
    this.timers.start("J", this.reliable ? 0 : 64 * this.ctx.timers.t1, () => this.terminate());
    return true;
  }

  receive(): void {
    if (this.state === "proceeding" && this.lastProvisional) this.send(this.lastProvisional);
    else if (this.state === "completed" && this.finalResponse) this.send(this.finalResponse);
    // trying: absorbed
  }
}
