/** G.711 μ-law and A-law to 16-bit linear PCM (ITU-T G.711), by 256-entry tables. */

function ulawToLinear(byte: number): number {
  const u = ~byte & 0xff;
  const t = (((u & 0x0f) << 3) + 0x84) << ((u & 0x70) >> 4);
  return u & 0x80 ? 0x84 - t : t - 0x84;
}

function alawToLinear(byte: number): number {
  const a = byte ^ 0x55;
  const exponent = (a & 0x70) >> 4;
  let t = (a & 0x0f) << 4;
  t = exponent === 0 ? t + 8 : (t + 0x108) << (exponent - 1);
  return a & 0x80 ? t : -t;
}

const table = (decode: (b: number) => number) => Int16Array.from({ length: 256 }, (_, b) => decode(b));
export const ULAW_TO_PCM = table(ulawToLinear);
export const ALAW_TO_PCM = table(alawToLinear);

export type G711Law = "PCMU" | "PCMA";

/** Decodes `payload` to little-endian 16-bit samples (the A_PCM/INT/LIT layout); 2 output bytes per input byte. */
export function decodeG711(law: G711Law, payload: Uint8Array): Uint8Array {
  const tbl = law === "PCMU" ? ULAW_TO_PCM : ALAW_TO_PCM;
  const out = new Uint8Array(payload.length * 2);
  for (let i = 0, o = 0; i < payload.length; i++, o += 2) {
    const s = tbl[payload[i]];
    out[o] = s & 0xff;
    out[o + 1] = (s >> 8) & 0xff;
  }
  return out;
}
