/**
 * Recognises an incoming keyframe request aimed at one of our media SSRCs: PLI, FIR with a new command sequence number
 * (a repeated seqNr is a retransmission and must not trigger another keyframe, RFC 5104 §4.3.1.1), or RFC 5168 INFO.
 */
import type { RtcpPacket } from "../rtcp/compound.ts";
import { parseMediaControl } from "./media-control.ts";

const MAX_TRACKED_SENDERS = 64;

export class KeyframeRequestDetector {
  /** Last FIR seqNr seen per (requester SSRC, target SSRC). */
  private readonly lastFirSeq = new Map<string, number>();

  /** `mediaSsrc` is the SSRC we send on that leg; 0 accepts any target. */
  isKeyframeRequest(packet: RtcpPacket, mediaSsrc = 0): boolean {
    if (packet.type === "pli") return mediaSsrc === 0 || packet.mediaSsrc === mediaSsrc;
    if (packet.type !== "fir") return false;
    let fresh = false;
    for (const e of packet.entries) {
      if (mediaSsrc !== 0 && e.ssrc !== mediaSsrc) continue;
      const key = `${packet.senderSsrc}:${e.ssrc}`;
      if (this.lastFirSeq.get(key) === e.seqNr) continue;
      if (!this.lastFirSeq.has(key) && this.lastFirSeq.size >= MAX_TRACKED_SENDERS) {
        this.lastFirSeq.delete(this.lastFirSeq.keys().next().value!);
      }
      this.lastFirSeq.set(key, e.seqNr);
      fresh = true;
    }
    return fresh;
  }

  /** Body of a SIP INFO with Content-Type application/media_control+xml. */
  isPictureFastUpdate(xml: string): boolean {
    return parseMediaControl(xml)?.pictureFastUpdate ?? false;
  }
}
