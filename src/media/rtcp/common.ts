/** RTCP common header (RFC 3550 §6.4.1) framing shared by every message class. */
import { RtcpParseError } from "./errors.ts";

export const RtcpType = { SR: 200, RR: 201, SDES: 202, BYE: 203, APP: 204, RTPFB: 205, PSFB: 206 } as const;
export const RTCP_HEADER_LENGTH = 4;

export interface RtcpFrame {
  /** The 5-bit count / FMT / subtype field. */
  count: number;
  packetType: number;
  /** Bytes after the 4-byte header, padding removed (a subarray, no copy). */
  body: Uint8Array;
}

/**
 * Validates one RTCP packet occupying exactly `buf[offset, offset+length)` and returns the padding length.
 * Shared by the compound walker and readFrame so both apply the same rules.
 */
export function checkPacket(buf: Uint8Array, offset: number, length: number): number {
  if (length < RTCP_HEADER_LENGTH) throw new RtcpParseError("truncated");
  const b0 = buf[offset];
  if (b0 >> 6 !== 2) throw new RtcpParseError("bad-version");
  const declared = (((buf[offset + 2] << 8) | buf[offset + 3]) + 1) * 4;
  if (declared !== length) throw new RtcpParseError("bad-length", `length field says ${declared} bytes, have ${length}`);
  if (!(b0 & 0x20)) return 0;
  const pad = buf[offset + length - 1];
  if (pad === 0 || pad > length - RTCP_HEADER_LENGTH) throw new RtcpParseError("bad-padding");
  return pad;
}

/** Reads one whole packet; `expectedType` guards deSerialize() of a specific class. */
export function readFrame(buf: Uint8Array, expectedType?: number): RtcpFrame {
  const pad = checkPacket(buf, 0, buf.length);
  const packetType = buf[1];
  if (expectedType !== undefined && packetType !== expectedType) {
    throw new RtcpParseError("bad-type", `expected packet type ${expectedType}, got ${packetType}`);
  }
  return { count: buf[0] & 0x1f, packetType, body: buf.subarray(RTCP_HEADER_LENGTH, buf.length - pad) };
}

/**
 * Allocates a packet with its header written; the caller fills `bodyLength` bytes from offset 4. A body that is not a
 * multiple of 4 (opaque data taken from a padded packet) gets RTCP padding: P bit set, pad count in the last byte.
 */
export function allocatePacket(count: number, packetType: number, bodyLength: number): Uint8Array {
  if (count < 0 || count > 31) throw new RangeError("RTCP count field is 5 bits");
  const pad = (4 - (bodyLength % 4)) % 4;
  const words = (bodyLength + pad) / 4;
  if (words > 0xffff) throw new RangeError("RTCP packet too large");
  const out = new Uint8Array(RTCP_HEADER_LENGTH + bodyLength + pad);
  out[0] = 0x80 | (pad ? 0x20 : 0) | count;
  out[1] = packetType;
  out[2] = words >>> 8;
  out[3] = words;
  if (pad) out[out.length - 1] = pad;
  return out;
}

export function ensure(cond: boolean, code: "truncated" | "bad-count" | "bad-item", message?: string): void {
  if (!cond) throw new RtcpParseError(code, message);
}
