/**
 * RFC 4867 AMR / AMR-WB payloads built bit by bit from known frames (test support, written independently of the
 * recorder's parser): frames with pseudo-random speech bits, their storage-format form, both RTP payload modes.
 */

export const AMR_WB_BITS = [132, 177, 253, 285, 317, 365, 397, 461, 477, 40];
export const AMR_NB_BITS = [95, 103, 118, 134, 148, 159, 204, 244, 39];
export const AMR_NO_DATA = 15;

export interface AmrTestFrame { ft: number; q: boolean; bits: number; speech: Uint8Array }

/** Deterministic pseudo-random bytes (speech bits: the decoders take any pattern). */
function noise(seed: number, n: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = (seed * 2654435761 + 1) >>> 0;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

/** A frame of type `ft` with pseudo-random speech bits, the unused bits of its last octet zero. */
export function amrFrame(wideband: boolean, ft: number, seed: number, q = true): AmrTestFrame {
  const bits = ft === AMR_NO_DATA ? 0 : (wideband ? AMR_WB_BITS : AMR_NB_BITS)[ft];
  const speech = noise(seed, Math.ceil(bits / 8));
  if (bits & 7) speech[speech.length - 1] &= 0xff << (8 - (bits & 7));
  return { ft, q, bits, speech };
}

/** RFC 4867 §5 storage format: header octet (FT, Q) then the speech octets. */
export const storedFrame = (f: AmrTestFrame) => Uint8Array.of((f.ft << 3) | (f.q ? 4 : 0), ...f.speech);

class BitWriter {
  private readonly bits: number[] = [];
  put(value: number, n: number): void { for (let i = n - 1; i >= 0; i--) this.bits.push((value >> i) & 1); }
  putBits(bytes: Uint8Array, n: number): void { for (let i = 0; i < n; i++) this.bits.push((bytes[i >> 3] >> (7 - (i & 7))) & 1); }
  bytes(): Uint8Array {
    const out = new Uint8Array(Math.ceil(this.bits.length / 8));
    this.bits.forEach((b, i) => { out[i >> 3] |= b << (7 - (i & 7)); });
    return out;
  }
}

/** RFC 4867 §4.3: CMR(4), ToC entries F FT Q (6 bits each), then all speech bits back to back, padded at the end. */
export function bandwidthEfficient(frames: readonly AmrTestFrame[], cmr = 15): Uint8Array {
  const w = new BitWriter();
  w.put(cmr, 4);
  frames.forEach((f, i) => { w.put(i < frames.length - 1 ? 1 : 0, 1); w.put(f.ft, 4); w.put(f.q ? 1 : 0, 1); });
  for (const f of frames) w.putBits(f.speech, f.bits);
  return w.bytes();
}

/** RFC 4867 §4.4: CMR octet, ToC octets F FT Q P P, then each frame's octets. */
export function octetAligned(frames: readonly AmrTestFrame[], cmr = 15): Uint8Array {
  return Uint8Array.of(cmr << 4, ...frames.map((f, i) => (i < frames.length - 1 ? 0x80 : 0) | (f.ft << 3) | (f.q ? 4 : 0)), ...frames.flatMap((f) => [...f.speech]));
}
