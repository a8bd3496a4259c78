export { RtcpParseError, type RtcpErrorCode } from "./errors.ts";
export { RtcpType, readFrame, type RtcpFrame } from "./common.ts";
export { RtpfbFormat, PsfbFormat } from "./feedback.ts";
export { ntpFromUnixMs, unixMsFromNtp, compactNtp, dlsrFromMs, type NtpTime } from "./ntp.ts";
export { encodeBitrate, decodeBitrate } from "./bitrate-encoding.ts";
export { type ReportBlock } from "./report-block.ts";
export { RtcpSenderReport } from "./sender-report.ts";
export { RtcpReceiverReport } from "./receiver-report.ts";
export { RtcpSourceDescription, SdesItemType, type SdesChunk, type SdesItem } from "./sdes.ts";
export { RtcpBye } from "./bye.ts";
export { RtcpApp } from "./app.ts";
export { GenericNack } from "./rtpfb/generic-nack.ts";
export { Tmmbr, Tmmbn, type TmmbEntry } from "./rtpfb/tmmb.ts";
export { TransportWideCc } from "./rtpfb/transport-cc.ts";
export { PictureLossIndication } from "./psfb/pli.ts";
export { FullIntraRequest, type FirEntry } from "./psfb/fir.ts";
export { ReceiverEstimatedMaxBitrate } from "./psfb/remb.ts";
export { RtcpUnknown } from "./unknown.ts";
export {
  parseRtcp, parseRtcpPacket, serializeRtcp, walkRtcp, MAX_PACKETS_PER_COMPOUND, type RtcpPacket, type RtcpVisitor,
} from "./compound.ts";
