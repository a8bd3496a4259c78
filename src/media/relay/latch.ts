/**
 * Symmetric RTP latching (comedia): where a leg's peer really sends from is where we send to.
 * Rules, after rtpengine: during `learningMs` after (re)start every new source address re-latches; after it,
 * packets from another source are forwarded but do not move the latch ("learn"), unless the latched source
 * has been silent for `relatchIdleMs` (NAT rebinding, a re-INVITE to a new device); with "strict" they are
 * dropped. `restrict` additionally accepts only the SDP address (c= line, and the m= port with "address-port").
 */
export interface TransportAddress { address: string; port: number }

export type SourcePolicy = "learn" | "strict";
export type SourceRestriction = "none" | "address" | "address-port";

export interface LatchOptions {
  policy?: SourcePolicy;
  restrict?: SourceRestriction;
  learningMs?: number;
  relatchIdleMs?: number;
}

export const LatchResult = { Accept: 0, Latched: 1, Reject: 2 } as const;
export type LatchResult = (typeof LatchResult)[keyof typeof LatchResult];

export class Latch {
  /** Where to send: the latched source, else the SDP address, else null. */
  address: string | null = null;
  port = 0;
  latched = false;
  private expected: TransportAddress | null = null;
  private learningUntil = 0;
  private lastFromLatched = 0;
  private readonly policy: SourcePolicy;
  private readonly restrict: SourceRestriction;
  private readonly learningMs: number;
  private readonly relatchIdleMs: number;

  constructor(opts: LatchOptions = {}) {
    this.policy = opts.policy ?? "learn";
    this.restrict = opts.restrict ?? "none";
    this.learningMs = opts.learningMs ?? 3000;
    this.relatchIdleMs = opts.relatchIdleMs ?? 2000;
  }

  /** New SDP address (offer/answer, re-INVITE): unlatch and learn again from `nowMs`. */
  reset(expected: TransportAddress | null, nowMs: number): void {
    this.expected = expected;
    this.latched = false;
    this.address = expected?.address ?? null;
    this.port = expected?.port ?? 0;
    this.learningUntil = nowMs + this.learningMs;
  }

  /** Per packet: is this source acceptable, and did it move the latch? */
  check(address: string, port: number, nowMs: number): LatchResult {
    if (this.latched && port === this.port && address === this.address) {
      this.lastFromLatched = nowMs;
      return LatchResult.Accept;
    }
    if (!this.allowed(address, port)) return LatchResult.Reject;
    if (!this.latched || nowMs < this.learningUntil || (this.policy === "learn" && nowMs - this.lastFromLatched >= this.relatchIdleMs)) {
      this.latched = true;
      this.address = address;
      this.port = port;
      this.lastFromLatched = nowMs;
      return LatchResult.Latched;
    }
    return this.policy === "strict" ? LatchResult.Reject : LatchResult.Accept;
  }

  private allowed(address: string, port: number): boolean {
    const e = this.expected;
    if (this.restrict === "none" || !e) return true;
    return address === e.address && (this.restrict === "address" || port === e.port);
  }
}
