/**
 * Caller-side H.264 RTP for browser-leg tests: packets from a pcap and a pacer that replays them at
 * capture pacing, looping with continuous sequence numbers and timestamps.
 */
import { readPcapFile } from "../../../support/pcap.ts";
import { PEERS } from "../../../support/peers.ts";
import { NalType, isKeyframe } from "../../../../src/media/h264/index.ts";
import { RtpHeaderView, writeSequenceNumber, writeTimestamp } from "../../../../src/media/rtp/index.ts";

/** Packetization-mode 1 (STAP-A + FU-A), Constrained Baseline 352x288, PT 97. */
export const CALLER_PCAP = `${PEERS}/media/h264_rtp.pcap`;
/**
 * Packetization-mode 0 (single NAL units <= 1100 bytes), same format; made by
 * test/fixtures/webrtc/make-h264-mode0-pcap.ts. (Rebuilding mode 0 from CALLER_PCAP's FU-A gives NAL
 * units up to 6 KB; Chromium counted those packets but decoded no frame from them.)
 */
export const CALLER_MODE0_PCAP = new URL("../../../fixtures/webrtc/h264_mode0_rtp.pcap", import.meta.url).pathname;

export interface TimedRtp { timeUs: number; packet: Uint8Array }

export function readRtpPcap(path = CALLER_PCAP): TimedRtp[] {
  return readPcapFile(path).map((d) => ({ timeUs: d.timeUs, packet: d.payload }));
}

/** Index of the first packet that starts an IDR/SPS (keyframe) at or after `from`. */
export function nextKeyframeIndex(packets: TimedRtp[], from = 0): number {
  const view = new RtpHeaderView();
  for (let i = from; i < packets.length; i++) {
    const p = packets[i]!.packet;
    if (view.wrap(p) && isKeyframe(p, view.payloadOffset, view.payloadLength)) return i;
  }
  return -1;
}

/** Index of the first packet at or after `from` that starts a non-IDR picture (to start a stream mid-GOP). */
export function nextDeltaFrameIndex(packets: TimedRtp[], from = 0): number {
  const view = new RtpHeaderView();
  for (let i = from; i < packets.length; i++) {
    const p = packets[i]!.packet;
    if (!view.wrap(p)) continue;
    const b0 = p[view.payloadOffset]! & 0x1f;
    const b1 = p[view.payloadOffset + 1]!;
    if (b0 === NalType.Slice || (b0 === NalType.FuA && (b1 & 0x80) !== 0 && (b1 & 0x1f) === NalType.Slice)) return i;
  }
  return -1;
}

/**
 * Replays packets at their capture pacing from `startIndex`, looping over the file; every packet gets the
 * next sequence number and a timestamp continuing across loops. Packets are rewritten in place.
 */
export class RtpPacer {
  private timer: ReturnType<typeof setInterval> | undefined;
  private index: number;
  private loop = 0;
  private seq = 1000;
  private startedAt = 0;
  private readonly firstUs: number;
  private readonly spanUs: number;
  sent = 0;

  constructor(private readonly packets: TimedRtp[], private readonly startIndex = 0) {
    this.index = startIndex;
    this.firstUs = packets[startIndex]!.timeUs;
    const last = packets[packets.length - 1]!.timeUs;
    const frameUs = 40_000;
    this.spanUs = last - packets[0]!.timeUs + frameUs;
  }

  start(send: (packet: Uint8Array) => void, tickMs = 4): void {
    const originalTs = this.packets.map((p) => timestampOf(p.packet));
    this.startedAt = performance.now();
    this.timer = setInterval(() => {
      const nowUs = (performance.now() - this.startedAt) * 1000;
      for (;;) {
        const item = this.packets[this.index]!;
        const dueUs = item.timeUs - this.firstUs + this.loop * this.spanUs;
        if (dueUs > nowUs) break;
        writeSequenceNumber(item.packet, this.seq++ & 0xffff);
        writeTimestamp(item.packet, (originalTs[this.index]! + Math.round((this.loop * this.spanUs * 90) / 1000)) >>> 0);
        send(item.packet);
        this.sent++;
        if (++this.index === this.packets.length) {
          this.index = 0;
          this.loop++;
        }
      }
    }, tickMs);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}

function timestampOf(p: Uint8Array): number {
  return ((p[4]! << 24) | (p[5]! << 16) | (p[6]! << 8) | p[7]!) >>> 0;
}
