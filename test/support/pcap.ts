/**
 * Minimal classic-libpcap reader yielding UDP datagrams (tests and benches only).
 * Link types: Ethernet (1, with 802.1Q), BSD loopback/null (0), OpenBSD loop (108), raw IP (101), Linux cooked SLL (113)
 * and SLL2 (276). IPv4 (unfragmented or first fragment) and IPv6 without extension headers.
 */
import { readFileSync } from "node:fs";

export interface UdpDatagram {
  /** Capture time in microseconds since the epoch. */
  timeUs: number;
  src: string;
  srcPort: number;
  dst: string;
  dstPort: number;
  payload: Uint8Array;
}

export class PcapError extends Error {
  override readonly name = "PcapError";
}

export function readPcapFile(path: string): UdpDatagram[] {
  return parsePcap(new Uint8Array(readFileSync(path)));
}

export function parsePcap(bytes: Uint8Array): UdpDatagram[] {
  if (bytes.length < 24) throw new PcapError("pcap shorter than its global header");
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = dv.getUint32(0, false);
  let little: boolean;
  let nanos = false;
  if (magic === 0xa1b2c3d4 || magic === 0xa1b23c4d) little = false;
  else if (magic === 0xd4c3b2a1 || magic === 0x4d3cb2a1) little = true;
  else throw new PcapError(`not a classic pcap (magic 0x${magic.toString(16)}); pcapng is not supported`);
  nanos = magic === 0xa1b23c4d || magic === 0x4d3cb2a1;
  const linkType = dv.getUint32(20, little) & 0xffff;
  const out: UdpDatagram[] = [];
  for (let i = 24; i + 16 <= bytes.length; ) {
    const sec = dv.getUint32(i, little);
    const frac = dv.getUint32(i + 4, little);
    const caplen = dv.getUint32(i + 8, little);
    const start = i + 16;
    if (start + caplen > bytes.length) throw new PcapError(`record at ${i} overruns the file`);
    const frame = bytes.subarray(start, start + caplen);
    const d = decodeFrame(linkType, frame, little);
    if (d) out.push({ timeUs: sec * 1e6 + (nanos ? Math.floor(frac / 1000) : frac), ...d });
    i = start + caplen;
  }
  return out;
}

type Decoded = Omit<UdpDatagram, "timeUs">;

function decodeFrame(linkType: number, f: Uint8Array, little: boolean): Decoded | null {
  const be16 = (o: number) => (f[o] << 8) | f[o + 1];
  switch (linkType) {
    case 1: {
      if (f.length < 14) return null;
      let o = 12;
      while (be16(o) === 0x8100 || be16(o) === 0x88a8) o += 4;
      return decodeL3(be16(o) === 0x86dd ? 6 : be16(o) === 0x0800 ? 4 : 0, f.subarray(o + 2));
    }
    case 0:
    case 108: {
      if (f.length < 4) return null;
      const fam = linkType === 108 || !little
        ? ((f[0] << 24) | (f[1] << 16) | (f[2] << 8) | f[3]) >>> 0
        : ((f[3] << 24) | (f[2] << 16) | (f[1] << 8) | f[0]) >>> 0;
      return decodeL3(fam === 2 ? 4 : fam === 24 || fam === 28 || fam === 30 ? 6 : 0, f.subarray(4));
    }
    case 101:
      return f.length ? decodeL3(f[0] >> 4, f) : null;
    case 113:
      return f.length >= 16 ? decodeL3(be16(14) === 0x86dd ? 6 : be16(14) === 0x0800 ? 4 : 0, f.subarray(16)) : null;
    case 276:
      return f.length >= 20 ? decodeL3(be16(0) === 0x86dd ? 6 : be16(0) === 0x0800 ? 4 : 0, f.subarray(20)) : null;
    default:
      throw new PcapError(`unsupported link type ${linkType}`);
  }
}

function decodeL3(version: number, p: Uint8Array): Decoded | null {
  if (version === 4) {
    if (p.length < 20) return null;
    const ihl = (p[0] & 0x0f) * 4;
    const fragOffset = ((p[6] & 0x1f) << 8) | p[7];
    if (p[9] !== 17 || fragOffset !== 0 || p.length < ihl + 8) return null;
    const total = Math.min(p.length, (p[2] << 8) | p[3]);
    return decodeUdp(p.subarray(ihl, total), p.subarray(12, 16).join("."), p.subarray(16, 20).join("."));
  }
  if (version === 6) {
    if (p.length < 48 || p[6] !== 17) return null;
    const hex = (a: Uint8Array) => Array.from({ length: 8 }, (_, k) => ((a[2 * k] << 8) | a[2 * k + 1]).toString(16)).join(":");
    return decodeUdp(p.subarray(40, 40 + ((p[4] << 8) | p[5])), hex(p.subarray(8, 24)), hex(p.subarray(24, 40)));
  }
  return null;
}

function decodeUdp(u: Uint8Array, src: string, dst: string): Decoded | null {
  if (u.length < 8) return null;
  const len = Math.min(u.length, (u[4] << 8) | u[5]);
  if (len < 8) return null;
  return { src, srcPort: (u[0] << 8) | u[1], dst, dstPort: (u[2] << 8) | u[3], payload: u.subarray(8, len) };
}

/** Builds a classic pcap (Ethernet, IPv4/UDP) — lets tests produce captures in other link types from the same data. */
export function writePcap(datagrams: UdpDatagram[], linkType: 1 | 0 | 113 = 1): Uint8Array {
  const parts: Uint8Array[] = [];
  const gh = new DataView(new ArrayBuffer(24));
  gh.setUint32(0, 0xa1b2c3d4, true);
  gh.setUint16(4, 2, true);
  gh.setUint16(6, 4, true);
  gh.setUint32(16, 65535, true);
  gh.setUint32(20, linkType, true);
  parts.push(new Uint8Array(gh.buffer));
  for (const d of datagrams) {
    const ip = new Uint8Array(28 + d.payload.length);
    ip[0] = 0x45;
    ip[2] = ip.length >> 8; ip[3] = ip.length & 0xff;
    ip[8] = 64; ip[9] = 17;
    ip.set(d.src.split(".").map(Number), 12);
    ip.set(d.dst.split(".").map(Number), 16);
    ip[20] = d.srcPort >> 8; ip[21] = d.srcPort & 0xff; ip[22] = d.dstPort >> 8; ip[23] = d.dstPort & 0xff;
    ip[24] = (8 + d.payload.length) >> 8; ip[25] = (8 + d.payload.length) & 0xff;
    ip.set(d.payload, 28);
    const l2 = linkType === 1 ? new Uint8Array(14) : linkType === 113 ? new Uint8Array(16) : new Uint8Array(4);
    if (linkType === 1) { l2[12] = 0x08; l2[13] = 0x00; }
    else if (linkType === 113) { l2[14] = 0x08; l2[15] = 0x00; }
    else l2[0] = 2; // AF_INET, little-endian host order (matches the little-endian header)
    const rh = new DataView(new ArrayBuffer(16));
    rh.setUint32(0, Math.floor(d.timeUs / 1e6), true);
    rh.setUint32(4, d.timeUs % 1e6, true);
    rh.setUint32(8, l2.length + ip.length, true);
    rh.setUint32(12, l2.length + ip.length, true);
    parts.push(new Uint8Array(rh.buffer), l2, ip);
  }
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let i = 0;
  for (const p of parts) { out.set(p, i); i += p.length; }
  return out;
}
