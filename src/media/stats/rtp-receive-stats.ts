/**
 * Receive statistics of one RTP stream (the packets a leg's peer sends us), RFC 3550 appendix A:
 * A.1 sequence tracking (cycles, restarts after a big jump seen twice), A.3 expected/lost/fraction lost,
 * A.8 interarrival jitter. A new SSRC (source switch) starts a new sequence space; totals carry over.
 * Zero allocation per packet.
 */
import type { ReportBlock } from "../rtcp/index.ts";

const RTP_SEQ_MOD = 0x10000;
const MAX_DROPOUT = 3000;
const MAX_MISORDER = 100;

export class RtpReceiveStats {
  packets = 0;
  bytes = 0;
  /** clock.now() of the last RTP packet, -1 before the first. */
  lastPacketAt = -1;
  ssrc = -1;
  /** RFC 3550 interarrival jitter, in timestamp units (A.8). */
  jitter = 0;
  jitterClockRate = 8000;

  private baseSeq = 0;
  private maxSeq = 0;
  private cycles = 0;
  private badSeq = RTP_SEQ_MOD + 1;
  private received = 0;
  private expectedPrior = 0;
  private receivedPrior = 0;
  /** Expected / received of earlier sources, so totals survive a source switch. */
  private expectedEarlier = 0;
  private receivedEarlier = 0;
  private lastPt = -1;
  private lastTs = 0;
  private lastArrivalMs = 0;
  /** Compact NTP of the last SR from this source and when it arrived (for LSR/DLSR). */
  private lastSrNtp = 0;
  private lastSrAt = -1;

  /** Called for every valid RTP packet received; `clockRate` is the RTP clock of its payload type. */
  onPacket(ssrc: number, seq: number, timestamp: number, pt: number, bytes: number, nowMs: number, clockRate: number): void {
    this.packets++;
    this.bytes += bytes;
    this.lastPacketAt = nowMs;
    if (ssrc !== this.ssrc) {
      this.newSource(ssrc, seq);
    } else if (!this.updateSeq(seq)) {
      return;
    }
    this.received++;
    this.updateJitter(timestamp, pt, nowMs, clockRate);
  }

  /** Remembers an SR from this source (compact NTP = middle 32 bits) for the LSR/DLSR of our next report. */
  onSenderReport(compactNtp: number, nowMs: number): void {
    this.lastSrNtp = compactNtp >>> 0;
    this.lastSrAt = nowMs;
  }

  get extendedHighestSequence(): number { return this.cycles + this.maxSeq; }
  /** Packets expected over the stream's life (all sources). */
  get expected(): number {
    return this.expectedEarlier + (this.ssrc < 0 ? 0 : this.extendedHighestSequence - this.baseSeq + 1);
  }
  /** Cumulative packets lost (A.3); negative when duplicates outnumber losses. */
  get lost(): number { return this.expected - (this.receivedEarlier + this.received); }
  get jitterMs(): number { return (this.jitter * 1000) / this.jitterClockRate; }

  /** Report block for an RR/SR about this stream; advances the "since last report" interval (A.3). */
  reportBlock(nowMs: number): ReportBlock {
    const expected = this.ssrc < 0 ? 0 : this.extendedHighestSequence - this.baseSeq + 1;
    const expectedInterval = expected - this.expectedPrior;
    const receivedInterval = this.received - this.receivedPrior;
    this.expectedPrior = expected;
    this.receivedPrior = this.received;
    const lostInterval = expectedInterval - receivedInterval;
    const fractionLost = expectedInterval === 0 || lostInterval <= 0 ? 0 : Math.floor((lostInterval << 8) / expectedInterval);
    const lost = Math.max(-0x800000, Math.min(0x7fffff, expected - this.received));
    return {
      ssrc: this.ssrc < 0 ? 0 : this.ssrc,
      fractionLost: Math.min(255, fractionLost),
      packetsLost: lost,
      highestSequence: this.extendedHighestSequence >>> 0,
      jitter: Math.floor(this.jitter) >>> 0,
      lsr: this.lastSrAt < 0 ? 0 : this.lastSrNtp,
      dlsr: this.lastSrAt < 0 ? 0 : Math.floor(((nowMs - this.lastSrAt) * 65536) / 1000) >>> 0,
    };
  }

  private newSource(ssrc: number, seq: number): void {
    if (this.ssrc >= 0) {
      this.expectedEarlier += this.extendedHighestSequence - this.baseSeq + 1;
      this.receivedEarlier += this.received;
    }
    this.ssrc = ssrc;
    this.initSeq(seq);
    this.expectedPrior = 0;
    this.receivedPrior = 0;
    this.lastPt = -1;
    this.lastSrAt = -1;
  }

  private initSeq(seq: number): void {
    this.baseSeq = seq;
    this.maxSeq = seq;
    this.badSeq = RTP_SEQ_MOD + 1;
    this.cycles = 0;
    this.received = 0;
  }

  /** RFC 3550 A.1 update_seq without probation; false = packet not counted (out of window). */
  private updateSeq(seq: number): boolean {
    const udelta = (seq - this.maxSeq) & 0xffff;
    if (udelta < MAX_DROPOUT) {
      if (seq < this.maxSeq) this.cycles += RTP_SEQ_MOD;
      this.maxSeq = seq;
    } else if (udelta <= RTP_SEQ_MOD - MAX_MISORDER) {
      if (seq !== this.badSeq) {
        this.badSeq = (seq + 1) & 0xffff;
        return false;
      }
      // Two sequential packets after a big jump: the source restarted its sequence.
      this.expectedEarlier += this.extendedHighestSequence - this.baseSeq + 1;
      this.receivedEarlier += this.received;
      this.expectedPrior = 0;
      this.receivedPrior = 0;
      this.initSeq(seq);
    }
    return true;
  }

  /**
   * A.8, between successive packets of the same payload type with a new timestamp: packets of one video
   * frame, and RFC 4733 events (which repeat their start timestamp), would otherwise count as jitter.
   */
  private updateJitter(ts: number, pt: number, nowMs: number, clockRate: number): void {
    if (pt === this.lastPt) {
      if (ts === this.lastTs) return;
      const arrivalDelta = ((nowMs - this.lastArrivalMs) * clockRate) / 1000;
      const d = arrivalDelta - ((ts - this.lastTs) | 0);
      this.jitter += ((d < 0 ? -d : d) - this.jitter) / 16;
    } else if (clockRate !== this.jitterClockRate) {
      this.jitter = 0;
      this.jitterClockRate = clockRate;
    }
    this.lastPt = pt;
    this.lastTs = ts;
    this.lastArrivalMs = nowMs;
  }
}
