/** SIP/SIPS/tel URIs (RFC 3261 §19.1, §25.1; RFC 3966; IPv6 references per RFC 5118). */
import { SipParseError } from "./errors.ts";
import { checkEscapes, COMMON_PARAMS, lowerAscii, percentDecode, percentEncode } from "./lex.ts";

/** Other absolute URIs (urn:service:sos in an emergency call's To, RFC 5031; isbn:...) are kept opaque. */
export type UriScheme = "sip" | "sips" | "tel" | (string & {});

export interface SipUri {
  scheme: UriScheme;
  /** Unescaped user part (tel: the number; other schemes: everything after "scheme:", as written). */
  user: string | null;
  /** Unescaped password. */
  password: string | null;
  /** Host as written; IPv6 kept with brackets: "[2001:db8::10]". Empty for tel: URIs. */
  host: string;
  port: number | null;
  /** Unescaped, names lowercased (null = parameter without value, e.g. `lr`). */
  params: Map<string, string | null>;
  /** URI headers (`?name=value&...`), values unescaped. */
  headers: Map<string, string>;
}

// Character classes of RFC 3261 §25.1.
const USER_CHAR = new Uint8Array(128);
const PASSWORD_CHAR = new Uint8Array(128);
const HEADER_CHAR = new Uint8Array(128);
const HOST_CHAR = new Uint8Array(128);
function mark(table: Uint8Array, chars: string): void {
  for (const ch of chars) table[ch.charCodeAt(0)] = 1;
}
const ALNUM = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
const UNRESERVED = ALNUM + "-_.!~*'()";
mark(USER_CHAR, UNRESERVED + "&=+$,;?/");
mark(PASSWORD_CHAR, UNRESERVED + "&=+$,");
mark(HEADER_CHAR, UNRESERVED + "[]/?:+$");
const PARAM_CHAR = new Uint8Array(128);
mark(PARAM_CHAR, UNRESERVED + "[]/:&+$");
mark(HOST_CHAR, ALNUM + "-._");

/** Characters a URI may hold (RFC 3261 §25.1 + "#" seen in tel numbers); a JIT-compiled class scan beats a charCodeAt loop. */
const URI_TEXT = /^[A-Za-z0-9\-_.!~*'();\/?:@&=+$,%[\]#]*$/;

const isIn = (table: Uint8Array) => (c: number) => c < 128 && table[c] === 1;
const userAllowed = isIn(USER_CHAR);
const passwordAllowed = isIn(PASSWORD_CHAR);
const headerAllowed = isIn(HEADER_CHAR);
const paramAllowed = isIn(PARAM_CHAR);

function bad(text: string, why: string): SipParseError {
  return new SipParseError("bad-uri", `bad URI ${JSON.stringify(text.slice(0, 200))}: ${why}`);
}

export function parseUri(text: string): SipUri {
  return readUri(text, true)!;
}

/** Throws the SipParseError parseUri(text) would throw, without building the URI (validation at parse time). */
export function checkUri(text: string): void {
  readUri(text, false);
}

/** The URI in `text`; with `build` false it is only checked, and null is returned. */
function readUri(text: string, build: boolean): SipUri | null {
  const colon = text.indexOf(":");
  if (colon <= 0) throw bad(text, "no scheme");
  const scheme = schemeOf(text, colon);
  if (scheme === null) throw bad(text, "bad scheme");
  if (!URI_TEXT.test(text)) throw bad(text, "illegal character");
  if (scheme === "sip" || scheme === "sips") return readSipUri(scheme, text, colon + 1, build);
  if (scheme === "tel") return readTelUri(text, colon + 1, build);
  if (colon + 1 === text.length) throw bad(text, "empty URI");
  if (!build) return null;
  return { scheme, user: text.slice(colon + 1), password: null, host: "", port: null, params: new Map(), headers: new Map() };
}

/** text[0, colon) lowercased, or null when it is no scheme; sip, sips and tel are recognised in place. */
function schemeOf(text: string, colon: number): string | null {
  const c0 = text.charCodeAt(0) | 0x20; // lowers A-Z; no other character becomes one of the letters compared
  if (colon <= 4 && c0 === 0x73 && (text.charCodeAt(1) | 0x20) === 0x69 && (text.charCodeAt(2) | 0x20) === 0x70) {
    if (colon === 3) return "sip";
    if ((text.charCodeAt(3) | 0x20) === 0x73) return "sips";
  }
  if (colon === 3 && c0 === 0x74 && (text.charCodeAt(1) | 0x20) === 0x65 && (text.charCodeAt(2) | 0x20) === 0x6c) return "tel";
  const scheme = text.slice(0, colon).toLowerCase();
  return /^[a-z][a-z0-9+\-.]*$/.test(scheme) ? scheme : null;
}

/** Schemes a Request-URI may carry here; others are answered 416 (RFC 3261 §8.2.2.1). */
export function isSupportedScheme(scheme: string): boolean {
  return scheme === "sip" || scheme === "sips" || scheme === "tel" || scheme === "urn";
}

function readSipUri(scheme: "sip" | "sips", text: string, start: number, build: boolean): SipUri | null {
  let user: string | null = null;
  let password: string | null = null;
  let i = start;
  const escaped = text.indexOf("%", start) >= 0;
  const at = text.indexOf("@", start);
  if (at >= 0) {
    let pw = text.indexOf(":", start);
    if (pw > at) pw = -1;
    const userEnd = pw >= 0 ? pw : at;
    if (userEnd === start) throw bad(text, "empty user");
    user = unescaped(text, start, userEnd, escaped, "user", build);
    if (pw >= 0) password = unescaped(text, pw + 1, at, escaped, "password", build);
    i = at + 1;
  }
  let end = i;
  const n = text.length;
  let port: number | null = null;
  if (text.charCodeAt(i) === 0x5b) {
    const close = text.indexOf("]", i);
    if (close < 0 || !isIpv6(text.slice(i + 1, close))) throw bad(text, "bad IPv6 reference");
    end = close + 1;
  } else {
    end = scanHostname(text, i);
    if (end < 0) throw bad(text, "bad host");
  }
  const hostEnd = end;
  if (end < n && text.charCodeAt(end) === 0x3a) {
    const pStart = end + 1;
    end = pStart;
    while (end < n && text.charCodeAt(end) >= 0x30 && text.charCodeAt(end) <= 0x39) end++;
    port = portAt(text, pStart, end);
    if (port === null) throw bad(text, "bad port");
  }
  const params = build ? new Map<string, string | null>() : null;
  const headers = build ? new Map<string, string>() : null;
  if (end < n) {
    const c = text.charCodeAt(end);
    if (c !== 0x3b && c !== 0x3f) throw bad(text, `unexpected character after host at ${end}`);
    const q = text.indexOf("?", end);
    if (c === 0x3b) parseUriParams(text, end + 1, q < 0 ? n : q, params, escaped);
    if (q >= 0) parseUriHeaders(text, text.slice(q + 1), headers ?? new Map());
  }
  if (params === null || headers === null) return null;
  return { scheme, user, password, host: text.slice(i, hostEnd), port, params, headers };
}

function readTelUri(text: string, start: number, build: boolean): SipUri | null {
  const semi = text.indexOf(";", start);
  const number = text.slice(start, semi < 0 ? text.length : semi);
  if (number.length === 0 || /[^0-9A-Fa-f*#+\-.()pPwW]/.test(number)) throw bad(text, "bad telephone number");
  const params = build ? new Map<string, string | null>() : null;
  if (semi >= 0) parseUriParams(text, semi + 1, text.length, params, text.indexOf("%", semi) >= 0);
  if (params === null) return null;
  return { scheme: "tel", user: number, password: null, host: "", port: null, params, headers: new Map() };
}

/**
 * text[start, end) with %-escapes resolved; `escaped` false says the URI holds no '%' (spares the search).
 * With `build` false the escapes are only checked, and null is returned.
 */
function unescaped(text: string, start: number, end: number, escaped: boolean, what: string, build: boolean): string | null {
  if (!build) {
    if (escaped) checkEscapes(text, start, end, what);
    return null;
  }
  const s = text.slice(start, end);
  return escaped ? percentDecode(s, what) : s;
}

/** The `;`-separated parameters in text[start, end) into `params`, or only checked when it is null (`escaped`: see unescaped()). */
function parseUriParams(text: string, start: number, end: number, params: Map<string, string | null> | null, escaped: boolean): void {
  let nextEq = text.indexOf("=", start); // first "=" at or after i, -1 if none: valueless parameters cost no rescan
  for (let i = start; i <= end; ) {
    let semi = text.indexOf(";", i);
    if (semi < 0 || semi > end) semi = end;
    if (nextEq >= 0 && nextEq < i) nextEq = text.indexOf("=", i);
    const eq = nextEq >= 0 && nextEq < semi ? nextEq : -1;
    const nameEnd = eq < 0 ? semi : eq;
    if (nameEnd === i) throw bad(text, "empty parameter name");
    if (params === null) {
      unescaped(text, i, nameEnd, escaped, "parameter", false);
      if (eq >= 0) unescaped(text, eq + 1, semi, escaped, "parameter", false);
    } else {
      const common = escaped ? undefined : COMMON_PARAMS.find(text, i, nameEnd);
      const name = common ?? lowerAscii(unescaped(text, i, nameEnd, escaped, "parameter", true)!);
      params.set(name, eq < 0 ? null : unescaped(text, eq + 1, semi, escaped, "parameter", true));
    }
    i = semi + 1;
  }
}

function formatUriParams(params: Map<string, string | null>): string {
  let out = "";
  for (const [k, v] of params) {
    out += ";" + percentEncode(k, paramAllowed);
    if (v !== null) out += "=" + percentEncode(v, paramAllowed);
  }
  return out;
}

function parseUriHeaders(text: string, s: string, headers: Map<string, string>): void {
  if (s.length === 0) return;
  for (const h of s.split("&")) {
    const eq = h.indexOf("=");
    if (eq <= 0) throw bad(text, "bad URI header");
    headers.set(percentDecode(h.slice(0, eq), "header name"), percentDecode(h.slice(eq + 1), "header value"));
  }
}

/** The port written as the digits text[start, end): 1 to 5 of them, at most 65535; null otherwise. */
export function portAt(text: string, start: number, end: number): number | null {
  if (end === start || end - start > 5) return null;
  let port = 0;
  for (let i = start; i < end; i++) port = port * 10 + text.charCodeAt(i) - 0x30;
  return port <= 65535 ? port : null;
}

/**
 * End of the hostname / IPv4address starting at text[start] (RFC 3261 §25.1; '_' tolerated as many deployed
 * DNS names carry it; a trailing dot allowed), or -1 when the characters there do not form one.
 */
export function scanHostname(text: string, start: number): number {
  let labelStart = start;
  let i = start;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x2e) {
      if (!isLabel(text, labelStart, i)) return -1;
      labelStart = i + 1;
    } else if (c >= 128 || HOST_CHAR[c] !== 1) break;
  }
  if (labelStart < i ? !isLabel(text, labelStart, i) : i === start) return -1;
  return (labelStart === i ? i - 1 : i) - start > 253 ? -1 : i;
}

function isLabel(text: string, start: number, end: number): boolean {
  const len = end - start;
  return len > 0 && len <= 63 && text.charCodeAt(start) !== 0x2d && text.charCodeAt(end - 1) !== 0x2d;
}

function isHex(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

/** IPv6address (RFC 4291 / RFC 5118), without brackets; allows an embedded IPv4 tail. */
export function isIpv6(s: string): boolean {
  if (s.length < 2 || s.length > 46) return false;
  // RFC 5118 §4.10: tolerate RFC 3261's ABNF bug, "2001:db8:::192.0.2.1" for "2001:db8::192.0.2.1"
  const triple = s.indexOf(":::");
  if (triple >= 0 && isIpv4(s.slice(triple + 3))) s = s.slice(0, triple) + s.slice(triple + 1);
  const n = s.length;
  let units = 0;
  let compressed = false;
  let i = 0;
  if (s.charCodeAt(0) === 0x3a) {
    if (s.charCodeAt(1) !== 0x3a) return false;
    compressed = true;
    i = 2;
  }
  while (i < n) {
    let j = i;
    while (j < n && isHex(s.charCodeAt(j))) j++;
    if (j < n && s.charCodeAt(j) === 0x2e) {
      if (!isIpv4(s.slice(i))) return false;
      units += 2;
      break;
    }
    if (j === i || j - i > 4) return false;
    units++;
    if (j === n) break;
    if (s.charCodeAt(j) !== 0x3a) return false;
    if (s.charCodeAt(j + 1) === 0x3a) {
      if (compressed) return false;
      compressed = true;
      i = j + 2;
    } else {
      i = j + 1;
      if (i === n) return false;
    }
  }
  return compressed ? units <= 7 : units === 8;
}

export function isIpv4(s: string): boolean {
  let parts = 0;
  let value = 0;
  let digits = 0;
  for (let i = 0; i <= s.length; i++) {
    const c = i === s.length ? 0x2e : s.charCodeAt(i);
    if (c === 0x2e) {
      if (digits === 0 || value > 255) return false;
      parts++;
      value = 0;
      digits = 0;
    } else if (c >= 0x30 && c <= 0x39 && digits < 3) {
      value = value * 10 + c - 0x30;
      digits++;
    } else return false;
  }
  return parts === 4;
}

export function formatUri(uri: SipUri): string {
  let out = uri.scheme + ":";
  if (uri.scheme !== "sip" && uri.scheme !== "sips") return out + (uri.user ?? "") + formatUriParams(uri.params);
  if (uri.user !== null) {
    out += percentEncode(uri.user, userAllowed);
    if (uri.password !== null) out += ":" + percentEncode(uri.password, passwordAllowed);
    out += "@";
  }
  out += uri.host;
  if (uri.port !== null) out += ":" + uri.port;
  out += formatUriParams(uri.params);
  if (uri.headers.size > 0) {
    let sep = "?";
    for (const [k, v] of uri.headers) {
      out += sep + percentEncode(k, headerAllowed) + "=" + percentEncode(v, headerAllowed);
      sep = "&";
    }
  }
  return out;
}
