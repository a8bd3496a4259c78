/**
 * Zero-allocation view over an RTP header in a caller-owned buffer (RFC 3550 §5.1).
 * Keep one instance per socket and re-`wrap()` it per packet; setters write the bytes in place.
 */
import type { RtpErrorCode } from "./errors.ts";

export const RTP_FIXED_HEADER_LENGTH = 12;

export class RtpHeaderView {
  buffer: Uint8Array = new Uint8Array(0);
  offset = 0;
  length = 0;
  /** Why the last wrap() returned false. */
  error: RtpErrorCode | null = null;
  private headerLen = 0;
  private paddingLen = 0;
  private extLen = 0;

  /** Validates version, CSRC list, extension and padding lengths; returns false (and sets `error`) on malformed input. */
  wrap(buf: Uint8Array, offset = 0, length = buf.length - offset): boolean {
    this.buffer = buf;
    this.offset = offset;
    this.length = length;
    this.headerLen = 0;
    this.paddingLen = 0;
    this.extLen = 0;
    if (length < RTP_FIXED_HEADER_LENGTH || offset + length > buf.length) return this.fail("truncated");
    const b0 = buf[offset];
    if (b0 >> 6 !== 2) return this.fail("bad-version");
    let header = RTP_FIXED_HEADER_LENGTH + (b0 & 0x0f) * 4;
    if (header > length) return this.fail("bad-csrc");
    if (b0 & 0x10) {
      if (header + 4 > length) return this.fail("bad-extension");
      const p = offset + header;
      this.extLen = ((buf[p + 2] << 8) | buf[p + 3]) * 4;
      header += 4 + this.extLen;
      if (header > length) return this.fail("bad-extension");
    }
    this.headerLen = header;
    if (b0 & 0x20) {
      const pad = buf[offset + length - 1];
      if (pad === 0 || header + pad > length) return this.fail("bad-padding");
      this.paddingLen = pad;
    }
    this.error = null;
    return true;
  }

  private fail(code: RtpErrorCode): false {
    this.error = code;
    return false;
  }

  get version(): number { return this.buffer[this.offset] >> 6; }
  get padding(): boolean { return (this.buffer[this.offset] & 0x20) !== 0; }
  get extension(): boolean { return (this.buffer[this.offset] & 0x10) !== 0; }
  get csrcCount(): number { return this.buffer[this.offset] & 0x0f; }

  get marker(): boolean { return (this.buffer[this.offset + 1] & 0x80) !== 0; }
  set marker(v: boolean) {
    const i = this.offset + 1;
    this.buffer[i] = v ? this.buffer[i] | 0x80 : this.buffer[i] & 0x7f;
  }

  get payloadType(): number { return this.buffer[this.offset + 1] & 0x7f; }
  set payloadType(v: number) { writePayloadType(this.buffer, v, this.offset); }

  get sequenceNumber(): number { return readSequenceNumber(this.buffer, this.offset); }
  set sequenceNumber(v: number) { writeSequenceNumber(this.buffer, v, this.offset); }

  get timestamp(): number { return readTimestamp(this.buffer, this.offset); }
  set timestamp(v: number) { writeTimestamp(this.buffer, v, this.offset); }

  get ssrc(): number { return readSsrc(this.buffer, this.offset); }
  set ssrc(v: number) { writeSsrc(this.buffer, v, this.offset); }

  csrc(i: number): number { return readUint32(this.buffer, this.offset + 12 + i * 4); }

  /** 0xBEDE (one-byte), 0x100x (two-byte) or any other profile; 0 when the X bit is clear. */
  get extensionProfile(): number {
    if (!this.extension) return 0;
    const p = this.offset + RTP_FIXED_HEADER_LENGTH + this.csrcCount * 4;
    return (this.buffer[p] << 8) | this.buffer[p + 1];
  }
  /** Absolute offset of the extension data (after its 4-byte header). */
  get extensionOffset(): number { return this.offset + RTP_FIXED_HEADER_LENGTH + this.csrcCount * 4 + 4; }
  get extensionLength(): number { return this.extLen; }

  get headerLength(): number { return this.headerLen; }
  get payloadOffset(): number { return this.offset + this.headerLen; }
  get paddingLength(): number { return this.paddingLen; }
  get payloadLength(): number { return this.length - this.headerLen - this.paddingLen; }
}

export function readUint32(buf: Uint8Array, i: number): number {
  return ((buf[i] << 24) | (buf[i + 1] << 16) | (buf[i + 2] << 8) | buf[i + 3]) >>> 0;
}

export function writeUint32(buf: Uint8Array, i: number, v: number): void {
  buf[i] = v >>> 24;
  buf[i + 1] = v >>> 16;
  buf[i + 2] = v >>> 8;
  buf[i + 3] = v;
}

export function readSequenceNumber(buf: Uint8Array, offset = 0): number {
  return (buf[offset + 2] << 8) | buf[offset + 3];
}
export function writeSequenceNumber(buf: Uint8Array, v: number, offset = 0): void {
  buf[offset + 2] = v >>> 8;
  buf[offset + 3] = v;
}
export function readTimestamp(buf: Uint8Array, offset = 0): number { return readUint32(buf, offset + 4); }
export function writeTimestamp(buf: Uint8Array, v: number, offset = 0): void { writeUint32(buf, offset + 4, v); }
export function readSsrc(buf: Uint8Array, offset = 0): number { return readUint32(buf, offset + 8); }
export function writeSsrc(buf: Uint8Array, v: number, offset = 0): void { writeUint32(buf, offset + 8, v); }
export function writePayloadType(buf: Uint8Array, pt: number, offset = 0): void {
  buf[offset + 1] = (buf[offset + 1] & 0x80) | (pt & 0x7f);
}
