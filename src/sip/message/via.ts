/** Via header (RFC 3261 §20.42, RFC 3581 rport, RFC 5118 IPv6 received). */
import { SipParseError } from "./errors.ts";
import { formatParams, isTokenChar, parseParams, skipWs, splitList } from "./lex.ts";
import { isIpv6, parsePort, scanHostname } from "./uri.ts";

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
  const values = splitList(text);
  if (values.length === 0) throw bad("empty");
  return values.map(parseOneVia);
}

function parseOneVia(s: string): Via {
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
    parts.push(s.slice(i, end));
    i = end;
  }
  const start = i;
  i = skipWs(s, i);
  if (i === start) throw bad("missing LWS before sent-by");
  let host: string;
  if (s.charCodeAt(i) === 0x5b) {
    const close = s.indexOf("]", i);
    if (close < 0 || !isIpv6(s.slice(i + 1, close))) throw bad("bad IPv6 reference");
    host = s.slice(i, close + 1);
    i = close + 1;
  } else {
    const end = scanHostname(s, i);
    if (end < 0) throw bad("bad host");
    host = s.slice(i, end);
    i = end;
  }
  let port: number | null = null;
  i = skipWs(s, i);
  if (s.charCodeAt(i) === 0x3a) {
    i = skipWs(s, i + 1);
    const pStart = i;
    while (i < n && s.charCodeAt(i) >= 0x30 && s.charCodeAt(i) <= 0x39) i++;
    port = parsePort(s.slice(pStart, i));
    if (port === null) throw bad("bad port");
  }
  const params = new Map<string, string | null>();
  parseParams(s, i, params, "Via");
  return {
    protocol: `${parts[0].toUpperCase()}/${parts[1]}`,
    transport: parts[2].toUpperCase(),
    host,
    port,
    params,
  };
}

export function formatVia(v: Via): string {
  return `${v.protocol}/${v.transport} ${v.host}${v.port === null ? "" : ":" + v.port}${formatParams(v.params)}`;
}
