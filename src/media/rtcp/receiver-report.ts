/** RR: reporter SSRC + reception report blocks (RFC 3550 §6.4.2). An RR with no blocks is the usual "empty RR". */
import { readUint32, writeUint32 } from "../rtp/header-view.ts";
import { allocatePacket, readFrame, ensure, RtcpType } from "./common.ts";
import { type ReportBlock, readReportBlocks, REPORT_BLOCK_LENGTH, writeReportBlock } from "./report-block.ts";

export class RtcpReceiverReport {
  readonly type = "rr";
  constructor(
    public ssrc: number,
    public reports: ReportBlock[] = [],
    public extension: Uint8Array = new Uint8Array(0),
  ) {}

  static deSerialize(buf: Uint8Array): RtcpReceiverReport {
    const { count, body } = readFrame(buf, RtcpType.RR);
    const blocksEnd = 4 + count * REPORT_BLOCK_LENGTH;
    ensure(body.length >= blocksEnd, "bad-count", `RR with ${count} report blocks does not fit ${body.length} bytes`);
    return new RtcpReceiverReport(readUint32(body, 0), readReportBlocks(body, 4, count), body.slice(blocksEnd));
  }

  serialize(): Uint8Array {
    const blocksEnd = 8 + this.reports.length * REPORT_BLOCK_LENGTH;
    const out = allocatePacket(this.reports.length, RtcpType.RR, blocksEnd - 4 + this.extension.length);
    writeUint32(out, 4, this.ssrc);
    this.reports.forEach((r, k) => writeReportBlock(out, 8 + k * REPORT_BLOCK_LENGTH, r));
    out.set(this.extension, blocksEnd);
    return out;
  }
}
