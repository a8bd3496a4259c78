/**
 * EBML (RFC 8794) element encoding, the few forms a Matroska writer needs: IDs as written (marker bits
 * included), variable-size integers, unsigned/float/string/binary/master elements and Void padding.
 */

/** Matroska element IDs used by the recorder (RFC 9559). */
export const Id = {
  EBML: 0x1a45dfa3, EBMLVersion: 0x4286, EBMLReadVersion: 0x42f7, EBMLMaxIDLength: 0x42f2, EBMLMaxSizeLength: 0x42f3,
  DocType: 0x4282, DocTypeVersion: 0x4287, DocTypeReadVersion: 0x4285,
  Segment: 0x18538067, SeekHead: 0x114d9b74, Seek: 0x4dbb, SeekID: 0x53ab, SeekPosition: 0x53ac,
  Info: 0x1549a966, TimestampScale: 0x2ad7b1, Duration: 0x4489, DateUTC: 0x4461, MuxingApp: 0x4d80, WritingApp: 0x5741,
  Tracks: 0x1654ae6b, TrackEntry: 0xae, TrackNumber: 0xd7, TrackUID: 0x73c5, TrackType: 0x83, FlagLacing: 0x9c,
  CodecID: 0x86, CodecPrivate: 0x63a2, CodecDelay: 0x56aa, SeekPreRoll: 0x56bb,
  Video: 0xe0, PixelWidth: 0xb0, PixelHeight: 0xba,
  Audio: 0xe1, SamplingFrequency: 0xb5, Channels: 0x9f, BitDepth: 0x6264,
  Cluster: 0x1f43b675, Timestamp: 0xe7, SimpleBlock: 0xa3,
  Cues: 0x1c53bb6b, CuePoint: 0xbb, CueTime: 0xb3, CueTrackPositions: 0xb7, CueTrack: 0xf7, CueClusterPosition: 0xf1,
  Void: 0xec,
} as const;

/** Largest value an 8-byte EBML size can hold that is not "unknown size" (2^56 - 2), beyond Number's safe range anyway. */
const MAX_SIZE = Number.MAX_SAFE_INTEGER;
const enc = new TextEncoder();

export function idBytes(id: number): Uint8Array {
  const len = id >= 0x1000000 ? 4 : id >= 0x10000 ? 3 : id >= 0x100 ? 2 : 1;
  const out = new Uint8Array(len);
  for (let i = len - 1, v = id; i >= 0; i--, v = Math.floor(v / 256)) out[i] = v & 0xff;
  return out;
}

/** An EBML variable-size integer; `width` forces the length (1-8 bytes) so a size can be patched in place later. */
export function vint(value: number, width?: number): Uint8Array {
  if (!Number.isSafeInteger(value) || value < 0 || value > MAX_SIZE) throw new RangeError(`EBML size out of range: ${value}`);
  let len = width ?? 1;
  if (width === undefined) while (len < 8 && value >= 2 ** (7 * len) - 1) len++;
  if (value >= 2 ** (7 * len) - 1) throw new RangeError(`EBML size ${value} does not fit ${len} bytes`);
  const out = new Uint8Array(len);
  let v = value;
  for (let i = len - 1; i >= 0; i--) {
    out[i] = v % 256;
    v = Math.floor(v / 256);
  }
  out[0] |= 0x80 >> (len - 1);
  return out;
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export function element(id: number, payload: Uint8Array, sizeWidth?: number): Uint8Array {
  return concat([idBytes(id), vint(payload.length, sizeWidth), payload]);
}

export function master(id: number, children: readonly Uint8Array[]): Uint8Array {
  return element(id, concat(children));
}

export function uint(id: number, value: number): Uint8Array {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`EBML uint out of range: ${value}`);
  let len = 1;
  while (len < 8 && value >= 2 ** (8 * len)) len++;
  const out = new Uint8Array(len);
  for (let i = len - 1, v = value; i >= 0; i--, v = Math.floor(v / 256)) out[i] = v % 256;
  return element(id, out);
}

/** Always 8 bytes (float64), so a Duration can be rewritten in place. */
export function float(id: number, value: number): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setFloat64(0, value);
  return element(id, out);
}

export function string(id: number, value: string): Uint8Array {
  return element(id, enc.encode(value));
}

export function binary(id: number, value: Uint8Array): Uint8Array {
  return element(id, value);
}

/** A Void element of exactly `total` bytes (at least 2), to reserve room that is rewritten later. */
export function voidElement(total: number): Uint8Array {
  if (total < 2) throw new RangeError("a Void element needs at least 2 bytes");
  const out = new Uint8Array(total);
  out[0] = Id.Void;
  out.set(total - 2 <= 126 ? vint(total - 2, 1) : vint(total - 9, 8), 1);
  return out;
}
