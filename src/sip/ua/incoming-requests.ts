/**
 * Requests the session layer must decide on: a re-INVITE/UPDATE offer, a REFER. Each is answered exactly
 * once; if the session layer does not answer in time, a guard answers with an error so that no
 * transaction hangs.
 */
import type { SipRequest, SipResponse } from "../message/index.ts";
import type { Clock, TimerHandle } from "../../util/clock.ts";

export interface ReplyParts { status: number; reason?: string; headers?: [string, string][]; sdp?: string | null }

abstract class PendingDecision {
  private guard: TimerHandle | undefined;
  private settled = false;

  constructor(
    readonly request: SipRequest,
    private readonly clock: Clock,
    timeoutMs: number,
    private readonly replyFn: (parts: ReplyParts) => void,
  ) {
    this.guard = clock.setTimeout(() => this.reply({ status: 500, reason: "No Decision", headers: [["Retry-After", "1"]] }), timeoutMs);
  }

  get answered(): boolean { return this.settled; }

  protected reply(parts: ReplyParts): boolean {
    if (this.settled) return false;
    this.settled = true;
    this.clock.clearTimeout(this.guard);
    this.replyFn(parts);
    return true;
  }
}

/** A re-INVITE or UPDATE from the peer. `sdp` null = the peer wants our offer (re-INVITE without body). */
export class RemoteOffer extends PendingDecision {
  constructor(readonly method: "INVITE" | "UPDATE", readonly sdp: string | null,
    request: SipRequest, clock: Clock, timeoutMs: number, replyFn: (parts: ReplyParts) => void) {
    super(request, clock, timeoutMs, replyFn);
  }

  /** 200 with our answer (or our offer when the request had none). */
  accept(sdp: string | null, headers?: [string, string][]): boolean {
    return this.reply({ status: 200, sdp, headers });
  }

  /** Keeps the previous session (488 Not Acceptable Here by default). */
  reject(status = 488, reason?: string, headers?: [string, string][]): boolean {
    return this.reply({ status, reason, headers });
  }
}

export interface ReferProgress {
  /** Report the referred call's progress as a NOTIFY with a sipfrag status line; final (>=200) ends the subscription. */
  notify(status: number, reason: string): Promise<SipResponse | null>;
}

/** A REFER (RFC 3515) in the dialog: accept() sends 202 and the initial "100 Trying" NOTIFY. */
export class IncomingRefer extends PendingDecision {
  constructor(readonly referTo: string, readonly referredBy: string | undefined, request: SipRequest,
    clock: Clock, timeoutMs: number, replyFn: (parts: ReplyParts) => void,
    private readonly progress: () => ReferProgress) {
    super(request, clock, timeoutMs, replyFn);
  }

  accept(): ReferProgress | null {
    if (!this.reply({ status: 202 })) return null;
    const p = this.progress();
    void p.notify(100, "Trying");
    return p;
  }

  reject(status = 603, reason?: string): boolean {
    return this.reply({ status, reason });
  }
}
