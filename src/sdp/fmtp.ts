import { SdpError } from "./errors.ts";
import type { FmtpParam } from "./model.ts";

const MAX_PARAMS = 64;
const KEY = /^[A-Za-z0-9][A-Za-z0-9_.+-]*$/;
const PRINTABLE = /^[\x20-\x7e]*$/;

/** Parse the format-specific part of a=fmtp ("a=1;b=2", "0-15", "111/111"). */
export function parseFmtp(config: string, payloadType: number): FmtpParam[] {
  if (!PRINTABLE.test(config)) throw new SdpError("bad-fmtp", `a=fmtp:${payloadType} contains control or non-ASCII characters`);
  const params: FmtpParam[] = [];
  for (const raw of config.split(";")) {
    const segment = raw.trim();
    if (segment === "") continue;
    if (params.length >= MAX_PARAMS) throw new SdpError("bad-fmtp", `a=fmtp:${payloadType} has more than ${MAX_PARAMS} parameters`);
    const eq = segment.indexOf("=");
    if (eq < 0) {
      if (/\s/.test(segment)) throw new SdpError("bad-fmtp", `a=fmtp:${payloadType} has an unparsable parameter "${clip(segment)}"`);
      params.push({ key: segment });
      continue;
    }
    const key = segment.slice(0, eq).trim();
    if (!KEY.test(key)) throw new SdpError("bad-fmtp", `a=fmtp:${payloadType} has an unparsable parameter "${clip(segment)}"`);
    params.push({ key, value: segment.slice(eq + 1).trim() });
  }
  return params;
}

export function formatFmtp(params: readonly FmtpParam[]): string {
  return params.map((p) => (p.value === undefined ? p.key : `${p.key}=${p.value}`)).join(";");
}

/** Value of a parameter (keys compare case-insensitively, RFC 4855). */
export function fmtpValue(params: readonly FmtpParam[], key: string): string | undefined {
  const lower = key.toLowerCase();
  return params.find((p) => p.key.toLowerCase() === lower)?.value;
}

/** Copy with `key` set (replaced in place, or appended). `undefined` removes it. */
export function withFmtp(params: readonly FmtpParam[], key: string, value: string | undefined): FmtpParam[] {
  const lower = key.toLowerCase();
  const out: FmtpParam[] = [];
  let done = false;
  for (const p of params) {
    if (p.key.toLowerCase() !== lower) out.push(p);
    else if (!done && value !== undefined) { out.push({ key: p.key, value }); done = true; }
  }
  if (!done && value !== undefined) out.push({ key, value });
  return out;
}

export function clip(text: string, max = 40): string {
  return text.length > max ? text.slice(0, max) + "…" : text;
}
