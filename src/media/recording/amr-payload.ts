/**
 * AMR and AMR-WB RTP payloads (RFC 4867 §4, bandwidth-efficient and octet-aligned, single channel, no interleaving,
 * CRC or robust sorting) to frames in the RFC 4867 §5 storage format: one header octet (FT and Q) followed by the
 * frame's speech bits padded to octets. The codec mode request (CMR) is for the other direction and is dropped.
 */

/** Speech bits of frame types 0.. (the last one SID); 3GPP TS 26.201 and TS 26.101. */
const AMR_WB_BITS = [132, 177, 253, 285, 317, 365, 397, 461, 477, 40];
const AMR_NB_BITS = [95, 103, 118, 134, 148, 159, 204, 244, 39];
/** AMR-WB frame type 14: speech lost, no bits. */
const AMR_WB_SPEECH_LOST = 14;

export const AMR_NO_DATA = 15;

export interface AmrFormat {
  wideband: boolean;
  octetAligned: boolean;
}

/** Speech bits of a frame of type `ft`, or undefined for a reserved type. NO_DATA (and speech lost) carry none. */
export function amrFrameBits(wideband: boolean, ft: number): number | undefined {
  const bits = wideband ? AMR_WB_BITS : AMR_NB_BITS;
  if (ft < bits.length) return bits[ft];
  return ft === AMR_NO_DATA || (wideband && ft === AMR_WB_SPEECH_LOST) ? 0 : undefined;
}

/** Whether frame type `ft` is speech (not SID, NO_DATA or speech lost). */
export function isAmrSpeech(wideband: boolean, ft: number): boolean {
  return ft < (wideband ? AMR_WB_BITS : AMR_NB_BITS).length - 1;
}

/** The storage-format header octet: P(1) FT(4) Q(1) P(2). */
export function amrFrameHeader(ft: number, quality: boolean): number {
  return (ft << 3) | (quality ? 4 : 0);
}

/** Reads bits MSB first from a byte array. */
class BitReader {
  constructor(private readonly bytes: Uint8Array, public bit = 0) {}

  get remaining(): number { return this.bytes.length * 8 - this.bit; }

  read(n: number): number {
    let v = 0;
    for (let i = 0; i < n; i++, this.bit++) v = (v << 1) | ((this.bytes[this.bit >> 3] >> (7 - (this.bit & 7))) & 1);
    return v;
  }

  /** `n` bits into `out` from its second octet on, left-aligned, the last octet zero-padded. */
  copyTo(out: Uint8Array, n: number): void {
    const shift = this.bit & 7;
    const octets = Math.ceil(n / 8);
    for (let i = 0, from = this.bit >> 3; i < octets; i++, from++) {
      out[1 + i] = (this.bytes[from] << shift) | ((this.bytes[from + 1] ?? 0) >> (8 - shift));
    }
    if (n & 7) out[octets] &= 0xff << (8 - (n & 7));
    this.bit += n;
  }
}

/**
 * The frames of one payload in storage format, in order, or an error saying why the payload is unusable (reserved
 * frame type, a table of contents that never ends, fewer speech bits than the table of contents announces).
 */
export function parseAmrPayload(format: AmrFormat, payload: Uint8Array): Uint8Array[] | string {
  const r = new BitReader(payload);
  const tocBits = format.octetAligned ? 8 : 6;
  if (r.remaining < 4) return "empty payload";
  r.read(format.octetAligned ? 8 : 4); // CMR (+ 4 reserved bits when octet-aligned)
  const toc: { ft: number; q: boolean }[] = [];
  for (let follows = true; follows;) {
    if (r.remaining < tocBits) return "table of contents not terminated";
    follows = r.read(1) === 1;
    const ft = r.read(4);
    const q = r.read(1) === 1;
    if (format.octetAligned) r.read(2);
    if (amrFrameBits(format.wideband, ft) === undefined) return `reserved frame type ${ft}`;
    toc.push({ ft, q });
  }
  const frames: Uint8Array[] = [];
  for (const { ft, q } of toc) {
    const bits = amrFrameBits(format.wideband, ft)!;
    const stored = format.octetAligned ? Math.ceil(bits / 8) * 8 : bits;
    if (r.remaining < stored) return `frame ${frames.length + 1} of ${toc.length} truncated`;
    const frame = new Uint8Array(1 + Math.ceil(bits / 8));
    frame[0] = amrFrameHeader(ft, q);
    r.copyTo(frame, bits);
    r.bit += stored - bits;
    frames.push(frame);
  }
  return frames;
}

/** 20 ms frames; RTP clock 8000 (AMR) or 16000 (AMR-WB). */
const FRAME_MS = 20;
/** A timestamp gap up to this long is filled with NO_DATA frames; a longer one (new source, clock jump) is not. */
const MAX_FILL_FRAMES = 100;
const NO_DATA_FRAME = Uint8Array.of(amrFrameHeader(AMR_NO_DATA, true));

/**
 * A stream of payloads to a continuous run of storage-format frames: each packet's frames at their RTP timestamps,
 * and NO_DATA frames for the 20 ms slots no packet covered (loss, DTX pauses), so that 50 frames are one second.
 */
export class AmrDepacketizer {
  /** Payloads skipped as malformed. */
  malformed = 0;
  private readonly frameTicks: number;
  private nextTs: number | undefined;

  constructor(private readonly format: AmrFormat) {
    this.frameTicks = ((format.wideband ? 16000 : 8000) * FRAME_MS) / 1000;
  }

  /** Emits the frames of one packet (after NO_DATA for any gap before it), each with its RTP timestamp. */
  push(payload: Uint8Array, timestamp: number, emit: (frame: Uint8Array, timestamp: number) => void): void {
    const frames = parseAmrPayload(this.format, payload);
    if (typeof frames === "string") {
      this.malformed++;
      return;
    }
    if (this.nextTs !== undefined) {
      const gap = Math.round(((timestamp - this.nextTs) | 0) / this.frameTicks);
      if (gap < 0 && gap > -MAX_FILL_FRAMES) return; // a duplicate or a late reordered packet: its slots are written
      if (gap <= MAX_FILL_FRAMES) for (let i = 0; i < gap; i++) emit(NO_DATA_FRAME, (this.nextTs + i * this.frameTicks) >>> 0);
    }
    for (let i = 0; i < frames.length; i++) emit(frames[i], (timestamp + i * this.frameTicks) >>> 0);
    this.nextTs = (timestamp + frames.length * this.frameTicks) >>> 0;
  }
}
