/** `sprop-parameter-sets` (RFC 6184 §8.1): comma-separated base64 NAL units (SPS, PPS). */
import { H264ParseError } from "./errors.ts";

const MAX_SETS = 32;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

export function parseSpropParameterSets(value: string): Uint8Array[] {
  const parts = value.split(",").map((p) => p.trim()).filter((p) => p.length > 0);
  if (parts.length > MAX_SETS) throw new H264ParseError("bad-sprop", "too many parameter sets");
  return parts.map((p) => {
    if (!BASE64.test(p)) throw new H264ParseError("bad-sprop", `not base64: ${p.slice(0, 32)}`);
    const nal = new Uint8Array(Buffer.from(p, "base64"));
    if (nal.length === 0 || nal[0] & 0x80) throw new H264ParseError("bad-sprop", "empty or invalid NAL unit");
    return nal;
  });
}

export function formatSpropParameterSets(nals: Uint8Array[]): string {
  return nals.map((n) => Buffer.from(n.buffer, n.byteOffset, n.byteLength).toString("base64")).join(",");
}
