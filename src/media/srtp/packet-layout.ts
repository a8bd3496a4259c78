/**
 * Where SRTP finds things in a packet. The RTP header length is computed here rather than with
 * RtpHeaderView.wrap() because that also validates padding, which is still encrypted in SRTP.
 */
export const RTP_MIN_HEADER = 12;
export const RTCP_HEADER = 8;
/** E flag + 31-bit SRTCP index (RFC 3711 §3.4). */
export const SRTCP_INDEX_LENGTH = 4;
export const SRTCP_E_FLAG = 0x80000000;
export const MAX_SRTCP_INDEX = 0x7fffffff;

/** Header length (fixed + CSRCs + extension) of an RTP packet whose first `length` bytes are header+payload; -1 if malformed. */
export function rtpHeaderLength(buf: Uint8Array, length: number): number {
  if (length < RTP_MIN_HEADER || buf.length < length) return -1;
  const b0 = buf[0];
  if (b0 >> 6 !== 2) return -1;
  let header = RTP_MIN_HEADER + (b0 & 0x0f) * 4;
  if (b0 & 0x10) {
    if (header + 4 > length) return -1;
    header += 4 + ((buf[header + 2] << 8) | buf[header + 3]) * 4;
  }
  return header > length ? -1 : header;
}

/** Version 2 and at least the 8-byte header (with the sender SSRC) inside `length`. */
export function isRtcpHeader(buf: Uint8Array, length: number): boolean {
  return length >= RTCP_HEADER && buf.length >= length && buf[0] >> 6 === 2;
}

export function sameStart(a: Uint8Array, b: Uint8Array): boolean {
  return a.buffer === b.buffer && a.byteOffset === b.byteOffset;
}

/** Whether `pkt` carries exactly `mki` at `at` (the MKI is public: no constant-time compare needed). */
export function mkiMatches(pkt: Uint8Array, at: number, mki: Uint8Array): boolean {
  for (let i = 0; i < mki.length; i++) if (pkt[at + i] !== mki[i]) return false;
  return true;
}
