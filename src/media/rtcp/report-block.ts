/** Reception report block (RFC 3550 §6.4.1), shared by SR and RR. */
import { readUint32, writeUint32 } from "../rtp/header-view.ts";

export const REPORT_BLOCK_LENGTH = 24;

export interface ReportBlock {
  ssrc: number;
  /** Fraction lost since the previous report, fixed point /256. */
  fractionLost: number;
  /** Cumulative packets lost, signed 24-bit (duplicates can make it negative). */
  packetsLost: number;
  /** Extended highest sequence number received. */
  highestSequence: number;
  jitter: number;
  /** Compact NTP of the last SR received (0 if none). */
  lsr: number;
  /** Delay since that SR, 1/65536 s. */
  dlsr: number;
}

export function readReportBlock(buf: Uint8Array, i: number): ReportBlock {
  const lost = (buf[i + 5] << 16) | (buf[i + 6] << 8) | buf[i + 7];
  return {
    ssrc: readUint32(buf, i),
    fractionLost: buf[i + 4],
    packetsLost: lost & 0x800000 ? lost - 0x1000000 : lost,
    highestSequence: readUint32(buf, i + 8),
    jitter: readUint32(buf, i + 12),
    lsr: readUint32(buf, i + 16),
    dlsr: readUint32(buf, i + 20),
  };
}

export function writeReportBlock(buf: Uint8Array, i: number, b: ReportBlock): void {
  const lost = Math.max(-0x800000, Math.min(0x7fffff, b.packetsLost)) & 0xffffff;
  writeUint32(buf, i, b.ssrc);
  buf[i + 4] = b.fractionLost;
  buf[i + 5] = lost >>> 16;
  buf[i + 6] = lost >>> 8;
  buf[i + 7] = lost;
  writeUint32(buf, i + 8, b.highestSequence);
  writeUint32(buf, i + 12, b.jitter);
  writeUint32(buf, i + 16, b.lsr);
  writeUint32(buf, i + 20, b.dlsr);
}

export function readReportBlocks(body: Uint8Array, start: number, count: number): ReportBlock[] {
  const out: ReportBlock[] = [];
  for (let k = 0; k < count; k++) out.push(readReportBlock(body, start + k * REPORT_BLOCK_LENGTH));
  return out;
}
