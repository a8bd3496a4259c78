/** Compound RTCP (RFC 3550 §6.1) with reduced-size packets tolerated (RFC 5506): any first packet type is accepted. */
import { checkPacket, RtcpType } from "./common.ts";
import { RtcpParseError } from "./errors.ts";
import { PsfbFormat, RtpfbFormat } from "./feedback.ts";
import { RtcpSenderReport } from "./sender-report.ts";
import { RtcpReceiverReport } from "./receiver-report.ts";
import { RtcpSourceDescription } from "./sdes.ts";
import { RtcpBye } from "./bye.ts";
import { RtcpApp } from "./app.ts";
import { GenericNack } from "./rtpfb/generic-nack.ts";
import { Tmmbn, Tmmbr } from "./rtpfb/tmmb.ts";
import { TransportWideCc } from "./rtpfb/transport-cc.ts";
import { PictureLossIndication } from "./psfb/pli.ts";
import { FullIntraRequest } from "./psfb/fir.ts";
import { isRembFci, ReceiverEstimatedMaxBitrate } from "./psfb/remb.ts";
import { RtcpUnknown } from "./unknown.ts";

export type RtcpPacket =
  | RtcpSenderReport | RtcpReceiverReport | RtcpSourceDescription | RtcpBye | RtcpApp
  | GenericNack | Tmmbr | Tmmbn | TransportWideCc
  | PictureLossIndication | FullIntraRequest | ReceiverEstimatedMaxBitrate
  | RtcpUnknown;

export const MAX_PACKETS_PER_COMPOUND = 64;

export type RtcpVisitor = (packetType: number, count: number, offset: number, length: number) => void;

/**
 * Validates the framing of a compound packet without allocating and calls `visit` per packet
 * (offset/length cover the whole packet including its header). Returns the number of packets; throws RtcpParseError.
 */
export function walkRtcp(buf: Uint8Array, visit: RtcpVisitor | null, offset = 0, length = buf.length - offset): number {
  if (length < 4) throw new RtcpParseError("truncated");
  const end = offset + length;
  let n = 0;
  for (let i = offset; i < end; ) {
    if (end - i < 4) throw new RtcpParseError("truncated");
    const len = (((buf[i + 2] << 8) | buf[i + 3]) + 1) * 4;
    if (len > end - i) throw new RtcpParseError("bad-length", `packet ${n} claims ${len} bytes, ${end - i} left`);
    checkPacket(buf, i, len);
    if (++n > MAX_PACKETS_PER_COMPOUND) throw new RtcpParseError("too-many-packets");
    if (visit) visit(buf[i + 1], buf[i] & 0x1f, i, len);
    i += len;
  }
  return n;
}

/** One packet (exactly `buf`) to its message class. */
export function parseRtcpPacket(buf: Uint8Array): RtcpPacket {
  const fmt = buf[0] & 0x1f;
  switch (buf[1]) {
    case RtcpType.SR: return RtcpSenderReport.deSerialize(buf);
    case RtcpType.RR: return RtcpReceiverReport.deSerialize(buf);
    case RtcpType.SDES: return RtcpSourceDescription.deSerialize(buf);
    case RtcpType.BYE: return RtcpBye.deSerialize(buf);
    case RtcpType.APP: return RtcpApp.deSerialize(buf);
    case RtcpType.RTPFB:
      if (fmt === RtpfbFormat.NACK) return GenericNack.deSerialize(buf);
      if (fmt === RtpfbFormat.TMMBR) return Tmmbr.deSerialize(buf);
      if (fmt === RtpfbFormat.TMMBN) return Tmmbn.deSerialize(buf);
      if (fmt === RtpfbFormat.TWCC) return TransportWideCc.deSerialize(buf);
      break;
    case RtcpType.PSFB:
      if (fmt === PsfbFormat.PLI) return PictureLossIndication.deSerialize(buf);
      if (fmt === PsfbFormat.FIR) return FullIntraRequest.deSerialize(buf);
      if (fmt === PsfbFormat.AFB && isRembFci(buf.subarray(12))) return ReceiverEstimatedMaxBitrate.deSerialize(buf);
      break;
  }
  return RtcpUnknown.deSerialize(buf);
}

export function parseRtcp(buf: Uint8Array): RtcpPacket[] {
  const packets: RtcpPacket[] = [];
  walkRtcp(buf, (_pt, _count, offset, length) => packets.push(parseRtcpPacket(buf.subarray(offset, offset + length))));
  return packets;
}

export function serializeRtcp(packets: RtcpPacket[]): Uint8Array {
  const parts = packets.map((p) => p.serialize());
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let i = 0;
  for (const p of parts) { out.set(p, i); i += p.length; }
  return out;
}
