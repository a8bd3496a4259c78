/** SR: sender info + reception report blocks (RFC 3550 §6.4.1). */
import { readUint32, writeUint32 } from "../rtp/header-view.ts";
import { allocatePacket, readFrame, ensure, RtcpType } from "./common.ts";
import { type ReportBlock, readReportBlocks, REPORT_BLOCK_LENGTH, writeReportBlock } from "./report-block.ts";

const SENDER_INFO_LENGTH = 24;

export class RtcpSenderReport {
  readonly type = "sr";
  constructor(
    public ssrc: number,
    public ntpSeconds: number,
    public ntpFraction: number,
    public rtpTimestamp: number,
    public packetCount: number,
    public octetCount: number,
    public reports: ReportBlock[] = [],
    /** Profile-specific extension bytes after the report blocks (kept opaque). */
    public extension: Uint8Array = new Uint8Array(0),
  ) {}

  static deSerialize(buf: Uint8Array): RtcpSenderReport {
    const { count, body } = readFrame(buf, RtcpType.SR);
    const blocksEnd = SENDER_INFO_LENGTH + count * REPORT_BLOCK_LENGTH;
    ensure(body.length >= blocksEnd, "bad-count", `SR with ${count} report blocks does not fit ${body.length} bytes`);
    return new RtcpSenderReport(
      readUint32(body, 0), readUint32(body, 4), readUint32(body, 8), readUint32(body, 12), readUint32(body, 16),
      readUint32(body, 20), readReportBlocks(body, SENDER_INFO_LENGTH, count), body.slice(blocksEnd),
    );
  }

  serialize(): Uint8Array {
    const blocksEnd = 4 + SENDER_INFO_LENGTH + this.reports.length * REPORT_BLOCK_LENGTH;
    const out = allocatePacket(this.reports.length, RtcpType.SR, blocksEnd - 4 + this.extension.length);
    writeUint32(out, 4, this.ssrc);
    writeUint32(out, 8, this.ntpSeconds);
    writeUint32(out, 12, this.ntpFraction);
    writeUint32(out, 16, this.rtpTimestamp);
    writeUint32(out, 20, this.packetCount);
    writeUint32(out, 24, this.octetCount);
    this.reports.forEach((r, k) => writeReportBlock(out, 28 + k * REPORT_BLOCK_LENGTH, r));
    out.set(this.extension, blocksEnd);
    return out;
  }
}
