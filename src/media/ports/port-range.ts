import { PortRangeError } from "./errors.ts";

/** An inclusive UDP port range; RTP ports are the even ones, RTCP takes RTP+1 (RFC 3550 §11). */
export interface PortRange { min: number; max: number }

/** Parses `[media] rtp_ports` ("20000-29999") and checks it holds at least one even/odd pair. */
export function parsePortRange(spec: string | PortRange): PortRange {
  let min: number, max: number;
  if (typeof spec === "string") {
    const m = /^\s*(\d{1,5})\s*-\s*(\d{1,5})\s*$/.exec(spec);
    if (!m) throw new PortRangeError(`bad port range "${spec}" (want "20000-29999")`);
    min = Number(m[1]);
    max = Number(m[2]);
  } else {
    ({ min, max } = spec);
  }
  if (!Number.isInteger(min) || !Number.isInteger(max) || min < 1024 || max > 65535 || min > max)
    throw new PortRangeError(`bad port range ${min}-${max} (1024..65535, min <= max)`);
  const first = min + (min & 1);
  if (first + 1 > max) throw new PortRangeError(`port range ${min}-${max} holds no even RTP port with RTCP on +1`);
  return { min, max };
}

/** Even RTP ports of a range whose +1 port is inside it too. */
export function evenPorts(range: PortRange): number[] {
  const out: number[] = [];
  for (let p = range.min + (range.min & 1); p + 1 <= range.max; p += 2) out.push(p);
  return out;
}
