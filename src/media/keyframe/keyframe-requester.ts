/**
 * Decides how to ask one sender for a keyframe: PLI or FIR (translated to what the peer negotiated), else SIP INFO
 * picture_fast_update, and rate-limits requests like Asterisk's `video_update_discard` (after a request is sent, further
 * requests within the window are discarded).
 */
import type { Clock } from "../../util/clock.ts";
import { TypedEmitter } from "../../util/typed-emitter.ts";
import { FullIntraRequest } from "../rtcp/psfb/fir.ts";
import { PictureLossIndication } from "../rtcp/psfb/pli.ts";
import { buildPictureFastUpdate, MEDIA_CONTROL_CONTENT_TYPE } from "./media-control.ts";
import type { PeerFeedback } from "./peer-feedback.ts";

/** Asterisk confbridge `video_update_discard` default. */
export const DEFAULT_KEYFRAME_MIN_INTERVAL_MS = 2000;
const MAX_FIR_TARGETS = 16;

export type KeyframeAction =
  | { kind: "pli"; packet: PictureLossIndication }
  | { kind: "fir"; packet: FullIntraRequest }
  | { kind: "sip-info"; contentType: typeof MEDIA_CONTROL_CONTENT_TYPE; body: string };

export type KeyframeDiscardReason = "rate-limited" | "unsupported" | "closed";

export interface KeyframeRequesterOptions {
  clock: Clock;
  /** Our SSRC on the leg towards the sender (RTCP sender SSRC). */
  senderSsrc: number;
  /** The sender's media SSRC (0 until known). */
  mediaSsrc: number;
  peer: PeerFeedback;
  /** 0 disables rate limiting. */
  minIntervalMs?: number;
  /** When the peer takes both PLI and FIR. */
  prefer?: "pli" | "fir";
}

export class KeyframeRequester extends TypedEmitter<{ request: [KeyframeAction]; discarded: [KeyframeDiscardReason] }> {
  private lastSentAt = Number.NEGATIVE_INFINITY;
  private readonly firSeq = new Map<number, number>();
  private closed = false;
  private readonly minIntervalMs: number;

  constructor(private readonly options: KeyframeRequesterOptions) {
    super();
    this.minIntervalMs = options.minIntervalMs ?? DEFAULT_KEYFRAME_MIN_INTERVAL_MS;
  }

  setPeer(peer: PeerFeedback): void { this.options.peer = peer; }
  setMediaSsrc(ssrc: number): void { this.options.mediaSsrc = ssrc >>> 0; }

  /**
   * The action to take now, or null when discarded (reason emitted as "discarded"). `force` skips the rate limit, for a
   * viewer join or source switch where a keyframe is needed even right after another request; it still restarts the window.
   */
  request(opts: { force?: boolean } = {}): KeyframeAction | null {
    if (this.closed) return this.discard("closed");
    const now = this.options.clock.now();
    if (!opts.force && this.minIntervalMs > 0 && now - this.lastSentAt <= this.minIntervalMs) return this.discard("rate-limited");
    const action = this.choose();
    if (!action) return this.discard("unsupported");
    this.lastSentAt = now;
    this.emit("request", action);
    return action;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.removeAllListeners();
  }

  private choose(): KeyframeAction | null {
    const { peer, senderSsrc, mediaSsrc, prefer = "pli" } = this.options;
    const useFir = peer.fir && (!peer.pli || prefer === "fir");
    if (useFir) return { kind: "fir", packet: new FullIntraRequest(senderSsrc, [{ ssrc: mediaSsrc, seqNr: this.nextFirSeq(mediaSsrc) }]) };
    if (peer.pli) return { kind: "pli", packet: new PictureLossIndication(senderSsrc, mediaSsrc) };
    if (peer.sipInfo) return { kind: "sip-info", contentType: MEDIA_CONTROL_CONTENT_TYPE, body: buildPictureFastUpdate() };
    return null;
  }

  /** RFC 5104 §4.3.1.2: the sequence number increments by 1 per new request to the same target. */
  private nextFirSeq(ssrc: number): number {
    const seq = this.firSeq.has(ssrc) ? (this.firSeq.get(ssrc)! + 1) & 0xff : 0;
    if (!this.firSeq.has(ssrc) && this.firSeq.size >= MAX_FIR_TARGETS) this.firSeq.delete(this.firSeq.keys().next().value!);
    this.firSeq.set(ssrc, seq);
    return seq;
  }

  private discard(reason: KeyframeDiscardReason): null {
    if (!this.closed) this.emit("discarded", reason);
    return null;
  }
}
