/** Classify a datagram on a shared port: RFC 7983 first-byte ranges, then RFC 5761 RTP vs RTCP. No allocation. */

export type PacketKind = "stun" | "zrtp" | "dtls" | "turn-channel" | "rtp" | "rtcp" | "unknown";

/** Second byte 192..223 = RTCP packet types 192..223 (RFC 5761 §4: RTP must avoid PT 64..95 when muxed). */
export function isRtcpPayloadType(secondByte: number): boolean {
  return secondByte >= 192 && secondByte <= 223;
}

export function classifyPacket(buf: Uint8Array, offset = 0, length = buf.length - offset): PacketKind {
  if (length < 1) return "unknown";
  const b = buf[offset];
  if (b <= 3) return length >= 20 ? "stun" : "unknown";
  if (b >= 16 && b <= 19) return "zrtp";
  if (b >= 20 && b <= 63) return "dtls";
  if (b >= 64 && b <= 79) return "turn-channel";
  if (b >= 128 && b <= 191) {
    if (length < 4) return "unknown";
    if (isRtcpPayloadType(buf[offset + 1])) return length >= 8 ? "rtcp" : "unknown";
    return length >= 12 ? "rtp" : "unknown";
  }
  return "unknown";
}
