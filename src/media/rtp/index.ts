export { RtpParseError, type RtpErrorCode } from "./errors.ts";
export {
  RtpHeaderView, RTP_FIXED_HEADER_LENGTH, readUint32, writeUint32, readSequenceNumber, writeSequenceNumber,
  readTimestamp, writeTimestamp, readSsrc, writeSsrc, writePayloadType,
} from "./header-view.ts";
export { classifyPacket, isRtcpPayloadType, type PacketKind } from "./demux.ts";
export {
  type HeaderExtension, ONE_BYTE_PROFILE, TWO_BYTE_PROFILE, isRfc8285Profile, parseHeaderExtensions,
  serializeHeaderExtensions,
} from "./header-extensions.ts";
export { RtpPacket, type RtpHeader } from "./rtp-packet.ts";
export { TelephoneEvent } from "./telephone-event.ts";
