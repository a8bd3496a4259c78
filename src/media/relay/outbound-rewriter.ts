/**
 * SSRC, sequence number and timestamp rewriting toward one far end, so it sees ONE continuous stream
 * whatever feeds it (re-INVITE, new device, video switch). The first source keeps its numbers; on a new
 * source (new SSRC, or after resync()) the offsets are rebased so the sequence continues at +1 and the
 * timestamp advances by the wall-clock time since the last packet sent, in the payload's clock rate.
 * Works in place on the packet; zero allocation.
 */
import { readSequenceNumber, readSsrc, readTimestamp, writeSequenceNumber, writeSsrc, writeTimestamp } from "../rtp/index.ts";

export class OutboundRewriter {
  private inSsrc = -1;
  private seqDelta = 0;
  private tsDelta = 0;
  private lastSeq = 0;
  private lastTs = 0;
  private lastAt = 0;
  private started = false;

  /** `ssrc`: the one SSRC the far end sees from us. */
  constructor(readonly ssrc: number) {}

  /** The SSRC currently fed in (-1 before the first packet or after resync). */
  get sourceSsrc(): number { return this.inSsrc; }

  /** Rebase on the next packet even if its SSRC is unchanged (the feeding stream restarted its numbering). */
  resync(): void { this.inSsrc = -1; }

  /** The feeding stream's sequence number of outbound `seq` (valid for packets of the current source), e.g. to forward a NACK. */
  sourceSequence(seq: number): number { return (seq - this.seqDelta) & 0xffff; }

  /** Rewrites the RTP header at `buf[0..]`; `clockRate` of its payload type; `nowMs` wall clock. */
  rewrite(buf: Uint8Array, nowMs: number, clockRate: number): void {
    const seq = readSequenceNumber(buf);
    const ts = readTimestamp(buf);
    const ssrc = readSsrc(buf);
    if (ssrc !== this.inSsrc) this.rebase(ssrc, seq, ts, nowMs, clockRate);
    const outSeq = (seq + this.seqDelta) & 0xffff;
    const outTs = (ts + this.tsDelta) >>> 0;
    writeSequenceNumber(buf, outSeq);
    writeTimestamp(buf, outTs);
    writeSsrc(buf, this.ssrc);
    // Only a newer packet moves the reference point (reordered ones keep their relative place).
    if (((outSeq - this.lastSeq) & 0xffff) < 0x8000) {
      this.lastSeq = outSeq;
      this.lastTs = outTs;
      this.lastAt = nowMs;
    }
  }

  private rebase(ssrc: number, seq: number, ts: number, nowMs: number, clockRate: number): void {
    this.inSsrc = ssrc;
    if (!this.started) {
      this.started = true;
      this.seqDelta = 0;
      this.tsDelta = 0;
      this.lastSeq = (seq - 1) & 0xffff;
      this.lastTs = ts;
      this.lastAt = nowMs;
      return;
    }
    const elapsed = Math.max(1, Math.round(((nowMs - this.lastAt) * clockRate) / 1000));
    this.seqDelta = (this.lastSeq + 1 - seq) & 0xffff;
    this.tsDelta = (this.lastTs + elapsed - ts) >>> 0;
  }
}
