/** RFC 8285 header extension elements (one-byte 0xBEDE and two-byte 0x100x forms). */
import { RtpParseError } from "./errors.ts";

export const ONE_BYTE_PROFILE = 0xbede;
export const TWO_BYTE_PROFILE = 0x1000;
const MAX_ELEMENTS = 255;

export interface HeaderExtension {
  id: number;
  payload: Uint8Array;
}

export function isRfc8285Profile(profile: number): boolean {
  return profile === ONE_BYTE_PROFILE || (profile & 0xfff0) === TWO_BYTE_PROFILE;
}

/** Elements of an RFC 8285 extension block (payloads are subarrays of `data`). Throws RtpParseError when an element overruns. */
export function parseHeaderExtensions(profile: number, data: Uint8Array): HeaderExtension[] {
  const out: HeaderExtension[] = [];
  const oneByte = profile === ONE_BYTE_PROFILE;
  if (!oneByte && (profile & 0xfff0) !== TWO_BYTE_PROFILE) return out;
  let i = 0;
  while (i < data.length) {
    const b = data[i];
    if (b === 0) { i++; continue; }
    let id: number;
    let len: number;
    if (oneByte) {
      id = b >> 4;
      if (id === 15) break; // reserved: stop processing (RFC 8285 §4.2)
      len = (b & 0x0f) + 1;
      i += 1;
    } else {
      if (i + 1 >= data.length) throw new RtpParseError("bad-extension-element");
      id = b;
      len = data[i + 1];
      i += 2;
    }
    if (i + len > data.length) throw new RtpParseError("bad-extension-element");
    if (out.length >= MAX_ELEMENTS) throw new RtpParseError("bad-extension-element", "too many extension elements");
    out.push({ id, payload: data.subarray(i, i + len) });
    i += len;
  }
  return out;
}

/** One-byte form when every element fits it (id 1..14, 1..16 bytes), else two-byte. Data is zero-padded to 32 bits. */
export function serializeHeaderExtensions(
  exts: HeaderExtension[],
  form: "one-byte" | "two-byte" = fitsOneByte(exts) ? "one-byte" : "two-byte",
): { profile: number; data: Uint8Array } {
  const oneByte = form === "one-byte";
  if (oneByte && !fitsOneByte(exts)) throw new RangeError("extension does not fit the one-byte form");
  let size = 0;
  for (const e of exts) {
    if (e.id < 1 || e.id > 255 || e.payload.length > 255) throw new RangeError(`bad extension element id=${e.id}`);
    size += (oneByte ? 1 : 2) + e.payload.length;
  }
  const data = new Uint8Array((size + 3) & ~3);
  let i = 0;
  for (const e of exts) {
    if (oneByte) data[i++] = (e.id << 4) | (e.payload.length - 1);
    else { data[i++] = e.id; data[i++] = e.payload.length; }
    data.set(e.payload, i);
    i += e.payload.length;
  }
  return { profile: oneByte ? ONE_BYTE_PROFILE : TWO_BYTE_PROFILE, data };
}

function fitsOneByte(exts: HeaderExtension[]): boolean {
  return exts.every((e) => e.id >= 1 && e.id <= 14 && e.payload.length >= 1 && e.payload.length <= 16);
}
