/** RFC 6184 RTP payload inspection: single NAL, STAP-A, FU-A (and FU-B start detection). */
import { H264ParseError } from "./errors.ts";
import { NalType, nalType } from "./nal.ts";

const MAX_AGGREGATED = 64;

/** True when the payload starts an IDR picture or carries an SPS (what a decoder needs to resync). No allocation. */
export function isKeyframe(payload: Uint8Array, offset = 0, length = payload.length - offset): boolean {
  if (length < 1) return false;
  const type = nalType(payload[offset]);
  if (type === NalType.Idr || type === NalType.Sps) return true;
  if (type === NalType.FuA || type === NalType.FuB) {
    if (length < 2) return false;
    const fu = payload[offset + 1];
    const inner = nalType(fu);
    return (fu & 0x80) !== 0 && (inner === NalType.Idr || inner === NalType.Sps);
  }
  if (type === NalType.StapA) {
    const end = offset + length;
    for (let i = offset + 1; i + 2 < end; ) {
      const size = (payload[i] << 8) | payload[i + 1];
      if (size === 0 || i + 2 + size > end) return false;
      const inner = nalType(payload[i + 2]);
      if (inner === NalType.Idr || inner === NalType.Sps) return true;
      i += 2 + size;
    }
  }
  return false;
}

export interface H264PayloadInfo {
  packetization: "single" | "stap-a" | "fu-a" | "other";
  /** Types of the NAL units carried (for FU-A: the fragmented unit's type). */
  nalTypes: number[];
  fuStart: boolean;
  fuEnd: boolean;
  hasIdr: boolean;
  hasSps: boolean;
  hasPps: boolean;
}

/** NAL units of a single-NAL or STAP-A payload as subarrays (no copy); [] for fragments. Throws on a malformed STAP-A. */
export function extractNalUnits(payload: Uint8Array): Uint8Array[] {
  if (payload.length < 1) throw new H264ParseError("truncated", "empty H.264 payload");
  if (payload[0] & 0x80) throw new H264ParseError("bad-nal", "forbidden_zero_bit set");
  const type = nalType(payload[0]);
  if (type >= 1 && type <= 23) return [payload];
  if (type !== NalType.StapA) return [];
  const units: Uint8Array[] = [];
  let i = 1;
  while (i < payload.length) {
    if (i + 2 > payload.length) throw new H264ParseError("bad-aggregate", "STAP-A size field truncated");
    const size = (payload[i] << 8) | payload[i + 1];
    if (size === 0 || i + 2 + size > payload.length) throw new H264ParseError("bad-aggregate", "STAP-A unit overruns payload");
    if (units.length >= MAX_AGGREGATED) throw new H264ParseError("bad-aggregate", "too many aggregated units");
    units.push(payload.subarray(i + 2, i + 2 + size));
    i += 2 + size;
  }
  if (units.length === 0) throw new H264ParseError("bad-aggregate", "empty STAP-A");
  return units;
}

export function describeH264Payload(payload: Uint8Array): H264PayloadInfo {
  const units = extractNalUnits(payload);
  const type = nalType(payload[0]);
  let packetization: H264PayloadInfo["packetization"] = type === NalType.StapA ? "stap-a" : units.length ? "single" : "other";
  let nalTypes = units.map((u) => nalType(u[0]));
  let fuStart = false;
  let fuEnd = false;
  if (type === NalType.FuA) {
    if (payload.length < 3) throw new H264ParseError("truncated", "FU-A without header or data");
    packetization = "fu-a";
    nalTypes = [nalType(payload[1])];
    fuStart = (payload[1] & 0x80) !== 0;
    fuEnd = (payload[1] & 0x40) !== 0;
    if (fuStart && fuEnd) throw new H264ParseError("bad-nal", "FU-A with both start and end bits");
  }
  return {
    packetization, nalTypes, fuStart, fuEnd,
    hasIdr: nalTypes.includes(NalType.Idr),
    hasSps: nalTypes.includes(NalType.Sps),
    hasPps: nalTypes.includes(NalType.Pps),
  };
}
