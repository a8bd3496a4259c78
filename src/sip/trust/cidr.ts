/** IPv4/IPv6 CIDR parsing and matching, on 128-bit bigint addresses (IPv4 mapped into ::ffff:0:0/96). */
import { isIP } from "node:net";

export class CidrError extends Error {
  constructor(readonly input: string, why: string) { super(`bad CIDR "${input}": ${why}`); }
}

export interface Cidr { readonly text: string; readonly network: bigint; readonly mask: bigint }

const V4_MAPPED = 0xffffn << 32n;
const ALL = (1n << 128n) - 1n;

function parseV4(text: string): bigint | null {
  const parts = text.split(".");
  if (parts.length !== 4) return null;
  let out = 0n;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return null;
    const n = Number(p);
    if (n > 255) return null;
    out = (out << 8n) | BigInt(n);
  }
  return out;
}

function parseV6(text: string): bigint | null {
  let s = text.startsWith("[") && text.endsWith("]") ? text.slice(1, -1) : text;
  const zone = s.indexOf("%");
  if (zone >= 0) s = s.slice(0, zone);
  if (isIP(s) !== 6) return null;
  if (s.includes(".")) {                        // embedded IPv4: rewrite its last 32 bits as two hex groups
    const lastColon = s.lastIndexOf(":");
    const v4 = parseV4(s.slice(lastColon + 1));
    if (v4 === null) return null;
    s = `${s.slice(0, lastColon + 1)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const halves = s.split("::");
  const toGroups = (h: string) => (h === "" ? [] : h.split(":").map((g) => BigInt("0x" + g)));
  const head = toGroups(halves[0]);
  const rest = halves.length > 1 ? toGroups(halves[1]) : [];
  const fill = halves.length > 1 ? 8 - head.length - rest.length : 0;
  if (head.length + rest.length + fill !== 8) return null;
  return [...head, ...Array<bigint>(fill).fill(0n), ...rest].reduce((acc, g) => (acc << 16n) | g, 0n);
}

/** Parse an IP literal to a 128-bit value (IPv4 as ::ffff:a.b.c.d), or null when it is not one. */
export function ipToBigInt(host: string): bigint | null {
  const v4 = parseV4(host);
  if (v4 !== null) return V4_MAPPED | v4;
  return parseV6(host);
}

export function parseCidr(text: string): Cidr {
  const trimmed = text.trim();
  const slash = trimmed.indexOf("/");
  const addrText = slash >= 0 ? trimmed.slice(0, slash) : trimmed;
  const isV4 = parseV4(addrText) !== null;
  const addr = ipToBigInt(addrText);
  if (addr === null) throw new CidrError(text, "not an IP address");
  const maxBits = isV4 ? 32 : 128;
  let bits = maxBits;
  if (slash >= 0) {
    const p = trimmed.slice(slash + 1);
    if (!/^\d{1,3}$/.test(p) || Number(p) > maxBits) throw new CidrError(text, "bad prefix length");
    bits = Number(p);
  }
  const prefix = (isV4 ? 96 : 0) + bits;
  const mask = prefix === 0 ? 0n : (ALL << BigInt(128 - prefix)) & ALL;
  return { text: trimmed, network: addr & mask, mask };
}

export function cidrContains(cidr: Cidr, host: string): boolean {
  const addr = ipToBigInt(host);
  return addr !== null && (addr & cidr.mask) === cidr.network;
}
