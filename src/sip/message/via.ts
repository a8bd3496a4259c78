/** Via header (RFC 3261 §20.42, RFC 3581 rport, RFC 5118 IPv6 received). */
import { SipParseError } from "./errors.ts";
import { formatParams, isTokenChar, parseParams, skipWs, splitList } from "./lex.ts";
import { isIpv6, portAt, scanHostname } from "./uri.ts";

export interface Via {
  /** "SIP/2.0" */
  protocol: string;
  /** Uppercased: "UDP", "TCP", "TLS", "SCTP", "WS" ... */
  transport: string;
  /** IPv6 kept with brackets. */
  host: string;
  port: number | null;
  /** branch, received, rport (null = present without value), maddr, ttl ...; lowercased names. */
  params: Map<string, string | null>;
}

function bad(why: string): SipParseError {
  return new SipParseError("bad-header:Via", `Via: ${why}`);
}

function readToken(s: string, i: number): number {
  while (i < s.length && isTokenChar(s.charCodeAt(i))) i++;
  return i;
}

/** Parses one Via header value, which may hold several comma-separated via-parms. */
export function parseVia(text: string): Via[] {
  return viaParms(text).map((v) => readVia(v, true)!);
}

/** Throws the SipParseError parseVia(text) would throw, without building the values (validation at parse time). */
export function checkVia(text: string): void {
  for (const v of viaParms(text)) readVia(v, false);
}

function viaParms(text: string): string[] {
  const values = splitList(text);
  if (values.length === 0) throw bad("empty");
  return values;
}

/** One via-parm; with `build` false it is only checked, and null is returned. */
function readVia(s: string, build: boolean): Via | null {
  const n = s.length;
  const parts: string[] = [];
  let i = 0;
  for (let k = 0; k < 3; k++) {
    i = skipWs(s, i);
    if (k > 0) {
      if (s.charCodeAt(i) !== 0x2f) throw bad("bad sent-protocol");
      i = skipWs(s, i + 1);
    }
    const end = readToken(s, i);
    if (end === i) throw bad("bad sent-protocol");
    if (build) parts.push(s.slice(i, end));
    i = end;
  }
  const start = i;
  i = skipWs(s, i);
  if (i === start) throw bad("missing LWS before sent-by");
  const hostStart = i;
  if (s.charCodeAt(i) === 0x5b) {
    const close = s.indexOf("]", i);
    if (close < 0 || !isIpv6(s.slice(i + 1, close))) throw bad("bad IPv6 reference");
    i = close + 1;
  } else {
    i = scanHostname(s, i);
    if (i < 0) throw bad("bad host");
  }
  const hostEnd = i;
  let port: number | null = null;
  i = skipWs(s, i);
  if (s.charCodeAt(i) === 0x3a) {
    i = skipWs(s, i + 1);
    const pStart = i;
    while (i < n && s.charCodeAt(i) >= 0x30 && s.charCodeAt(i) <= 0x39) i++;
    port = portAt(s, pStart, i);
    if (port === null) throw bad("bad port");
  }
  const params = build ? new Map<string, string | null>() : null;
  parseParams(s, i, params, "Via");
  if (params === null) return null;
  return {
    protocol: `${parts[0].toUpperCase()}/${parts[1]}`,
    transport: parts[2].toUpperCase(),
    host: s.slice(hostStart, hostEnd),
    port,
    params,
  };
}

export function formatVia(v: Via): string {
  return `${v.protocol}/${v.transport} ${v.host}${v.port === null ? "" : ":" + v.port}${formatParams(v.params)}`;
}
