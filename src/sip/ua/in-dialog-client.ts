/**
 * Sends requests inside a dialog: builds them from the dialog, retries digest challenges, ACKs every 2xx of
 * a re-INVITE (and its retransmissions, also after the transaction ended), and reports 481/408 (§12.2.1.2).
 */
import type { SipRequest, SipResponse } from "../message/index.ts";
import type { Dialog } from "../dialog/index.ts";
import type { DigestAuthenticator } from "../auth/index.ts";
import type { Endpoint } from "../transport/types.ts";
import type { CallContext } from "./call-context.ts";
import { sendWithAuth, type SentRequest } from "./request-sender.ts";

export interface SendParts {
  headers?: [string, string][];
  contentType?: string;
  body?: Uint8Array;
  /** Last touches on each built request (Supported, session-timer headers ...). */
  prepare?: (req: SipRequest) => void;
  /** INVITE: called with the first 2xx before it is ACKed (remote target refresh). */
  onAck?: (res: SipResponse) => void;
}

export class InDialogClient {
  private lastAck: { seq: number; ack: SipRequest; dest: Endpoint | Promise<Endpoint> } | null = null;

  constructor(
    private readonly ctx: CallContext,
    private readonly dialog: () => Dialog,
    private readonly authenticator: DigestAuthenticator | undefined,
    private readonly onLost: (res: SipResponse) => void,
  ) {}

  /** Throws CallStateError when there is no dialog; otherwise resolves with the final response. */
  async send(method: string, parts: SendParts): Promise<SentRequest> {
    const dialog = this.dialog();
    const sent = await sendWithAuth(this.ctx.transactions, () => {
      const req = dialog.createRequest(method, { headers: parts.headers, body: parts.body, contentType: parts.contentType });
      parts.prepare?.(req);
      return req;
    }, () => dialog.resolveNextHop(this.ctx.resolver), this.authenticator, method === "INVITE" ? (tx, req) => {
      tx.on("final", (res) => { if (res.status >= 200 && res.status < 300) this.ack(dialog, req, res, parts.onAck); });
    } : undefined);
    const s = sent.response.status;
    // RFC 5057: a 481/408 to NOTIFY only ends the subscription usage, not the INVITE dialog
    if ((s === 481 || s === 408) && method !== "BYE" && method !== "NOTIFY") this.onLost(sent.response);
    return sent;
  }

  /** §13.2.2.4: a retransmitted 2xx of the last INVITE gets the same ACK again. */
  reAck(res: SipResponse): void {
    if (!this.lastAck || res.status < 200 || res.status >= 300) return;
    const cseq = res.cseq;
    if (cseq.method !== "INVITE" || cseq.seq !== this.lastAck.seq) return;
    const { ack, dest } = this.lastAck;
    Promise.resolve(dest).then((d) => this.ctx.transactions.sendStateless(ack, d)).catch(() => {});
  }

  /** ACK for a 2xx of an INVITE (also used by the initial INVITE of an outgoing call). */
  ack(dialog: Dialog, invite: SipRequest, res: SipResponse, onFirst?: (res: SipResponse) => void): void {
    const seq = invite.cseq.seq;
    if (this.lastAck?.seq === seq) return this.reAck(res);
    onFirst?.(res);
    const ack = dialog.createAck(invite);
    const dest = dialog.resolveNextHop(this.ctx.resolver);
    this.lastAck = { seq, ack, dest };
    Promise.resolve(dest).then((d) => this.ctx.transactions.sendStateless(ack, d)).catch((err) => this.ctx.log.warn("ACK send failed", { err }));
  }
}
