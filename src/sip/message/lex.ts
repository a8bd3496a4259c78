/** Lexical helpers shared by the header parsers (RFC 3261 §25.1). All functions are linear-time. */
import { SipParseError } from "./errors.ts";

const TOKEN = new Uint8Array(128);
for (let c = 0x30; c <= 0x39; c++) TOKEN[c] = 1;
for (let c = 0x41; c <= 0x5a; c++) TOKEN[c] = 1;
for (let c = 0x61; c <= 0x7a; c++) TOKEN[c] = 1;
for (const ch of "-.!%*_+`'~") TOKEN[ch.charCodeAt(0)] = 1;

/** gen-value = token / host / quoted-string: token characters, and ':' '[' ']' of a (bracketed or bare) IPv6 host. */
const GEN_VALUE = TOKEN.slice();
for (const ch of ":[]") GEN_VALUE[ch.charCodeAt(0)] = 1;

/** token = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~") */
export function isTokenChar(c: number): boolean {
  return c < 128 && TOKEN[c] === 1;
}

export function isToken(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) if (!isTokenChar(s.charCodeAt(i))) return false;
  return true;
}

/**
 * A fixed set of ASCII words matched case-insensitively in place, without slicing or hashing the candidate:
 * what the parser uses to recognise header and parameter names. Each word maps to a value.
 */
export class Vocabulary<T> {
  /** Candidates by length * 128 + lowercased first character; dense (null = none), as a holey array is slow to index. */
  private readonly buckets: ({ word: string; lower: string; value: T }[] | null)[];

  constructor(entries: Iterable<[word: string, value: T]>) {
    const words = [...entries];
    const longest = Math.max(...words.map(([w]) => w.length));
    this.buckets = new Array((longest + 1) * 128).fill(null);
    for (const [word, value] of words) {
      const lower = word.toLowerCase();
      (this.buckets[lower.length * 128 + lower.charCodeAt(0)] ??= []).push({ word, lower, value });
    }
  }

  /** The value of the word text[start, end) ignoring ASCII case, or undefined. */
  find(text: string, start: number, end: number): T | undefined {
    const list = this.candidates(text, start, end);
    if (list == null) return undefined;
    const len = end - start;
    for (let j = 0; j < list.length; j++) {
      const lower = list[j].lower;
      let k = 0;
      while (k < len && lowerChar(text.charCodeAt(start + k)) === lower.charCodeAt(k)) k++;
      if (k === len) return list[j].value;
    }
    return undefined;
  }

  /** The value of the word text[start, end) when spelled exactly as registered, or undefined. */
  exact(text: string, start: number, end: number): T | undefined {
    const list = this.candidates(text, start, end);
    if (list == null) return undefined;
    for (let j = 0; j < list.length; j++) if (text.startsWith(list[j].word, start)) return list[j].value;
    return undefined;
  }

  /** The bucket for text[start, end); undefined past the longest word. */
  private candidates(text: string, start: number, end: number): { word: string; lower: string; value: T }[] | null | undefined {
    const c0 = text.charCodeAt(start);
    return c0 < 128 ? this.buckets[(end - start) * 128 + lowerChar(c0)] : null;
  }
}

function lowerChar(c: number): number {
  return c >= 0x41 && c <= 0x5a ? c | 0x20 : c;
}

/**
 * Parameter names seen on nearly every message, recognised without allocating (see parseParams): RFC 3261/3581
 * header and URI parameters, RFC 3840/5626/4028 ones, and the IMS feature tags of every VoLTE Contact (TS 24.229).
 */
export const COMMON_PARAMS = new Vocabulary(
  [
    "tag", "branch", "received", "rport", "maddr", "ttl", "lr", "transport", "user", "method", "q", "expires",
    "phone-context", "ob", "gr", "refresher", "reg-id", "+sip.instance", "video", "audio", "+g.3gpp.icsi-ref",
    "+g.3gpp.iari-ref", "+g.3gpp.mid-call", "+g.3gpp.srvcc-alerting", "+g.3gpp.ps2cs-srvcc-orig-pre-alerting",
  ].map((w) => [w, w]),
);

/** toLowerCase without an allocation when there is nothing to lower (most parameter names). */
export function lowerAscii(s: string): string {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x41 && c <= 0x5a) return s.toLowerCase();
  }
  return s;
}

export function isWs(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a;
}

/** Trims SP/HTAB/CR/LF only (String.prototype.trim would also eat U+FEFF and other Unicode spaces). */
export function trimLws(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && isWs(s.charCodeAt(a))) a++;
  while (b > a && isWs(s.charCodeAt(b - 1))) b--;
  return a === 0 && b === s.length ? s : s.slice(a, b);
}

export function skipWs(s: string, i: number): number {
  while (i < s.length && isWs(s.charCodeAt(i))) i++;
  return i;
}

/** A non-negative decimal of at most `max`; null for anything else (overlarge, signs, garbage). */
export function parseBoundedInt(value: string, max: number): number | null {
  const t = value.trim();
  if (t.length === 0 || t.length > 12) return null;
  let v = 0;
  for (let i = 0; i < t.length; i++) {
    const d = t.charCodeAt(i) - 0x30;
    if (d < 0 || d > 9) return null;
    v = v * 10 + d;
  }
  return v <= max ? v : null;
}

/** Index of the first character at or after i that is not SP or HTAB (no line ends). */
export function skipBlanks(s: string, i: number): number {
  while (i < s.length && (s.charCodeAt(i) === 0x20 || s.charCodeAt(i) === 0x09)) i++;
  return i;
}

/** Index just past the closing quote of the quoted-string starting at `start` (which is `"`), or -1. */
export function endOfQuoted(s: string, start: number): number {
  const close = s.indexOf('"', start + 1);
  if (close < 0) return -1;
  // no quoted-pair before it: that quote closes (the search is bounded so that many quoted strings stay linear)
  const escape = s.slice(start + 1, close).indexOf("\\");
  if (escape < 0) return close + 1;
  for (let i = start + 1 + escape; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x5c) i++; // quoted-pair: skip the escaped char
    else if (c === 0x22) return i + 1;
  }
  return -1;
}

/** Removes the surrounding quotes and resolves quoted-pairs. */
export function unquote(q: string): string {
  if (q.indexOf("\\") < 0) return q.slice(1, -1);
  let out = "";
  for (let i = 1; i < q.length - 1; i++) {
    const ch = q[i];
    if (ch === "\\" && i + 1 < q.length - 1) out += q[++i];
    else out += ch;
  }
  return out;
}

export function quote(s: string): string {
  return '"' + s.replace(/[\\"]/g, (m) => "\\" + m) + '"';
}

/** Splits a comma list, ignoring commas inside quoted strings and <...>. Empty elements are dropped. */
export function splitList(value: string): string[] {
  if (value.indexOf(",") < 0) {
    const t = trimLws(value);
    return t ? [t] : [];
  }
  const out: string[] = [];
  let start = 0;
  let angle = false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 0x22) {
      const end = endOfQuoted(value, i);
      if (end < 0) break; // unterminated quote: the rest is one element, its parser will reject it
      i = end - 1;
    } else if (c === 0x3c) angle = true;
    else if (c === 0x3e) angle = false;
    else if (c === 0x2c && !angle) {
      const t = trimLws(value.slice(start, i));
      if (t) out.push(t);
      start = i + 1;
    }
  }
  const t = trimLws(value.slice(start));
  if (t) out.push(t);
  return out;
}

/**
 * Parses `*( SEMI generic-param )` starting at s[i] (which must be ";" or end of the value) into `params`, or
 * only checks them when `params` is null. Names are lowercased; values are kept as written (quoted strings keep
 * their quotes); LWS around ";" and "=" is allowed. `what` names the header in error codes.
 */
export function parseParams(s: string, i: number, params: Map<string, string | null> | null, what: string): void {
  const n = s.length;
  i = skipWs(s, i);
  while (i < n) {
    if (s.charCodeAt(i) !== 0x3b) throw new SipParseError(`bad-header:${what}`, `${what}: expected ';' at ${i}`);
    i = skipWs(s, i + 1);
    const nameStart = i;
    while (i < n && isTokenChar(s.charCodeAt(i))) i++;
    if (i === nameStart) throw new SipParseError(`bad-header:${what}`, `${what}: empty parameter name`);
    const nameEnd = i;
    i = skipWs(s, i);
    let vStart = -1;
    if (i < n && s.charCodeAt(i) === 0x3d) {
      i = skipWs(s, i + 1);
      vStart = i;
      if (s.charCodeAt(i) === 0x22) {
        i = endOfQuoted(s, i);
        if (i < 0) throw new SipParseError(`bad-header:${what}`, `${what}: unterminated quoted parameter`);
      } else {
        while (i < n) {
          const c = s.charCodeAt(i);
          if (c >= 128 || GEN_VALUE[c] !== 1) break;
          i++;
        }
        if (i === vStart) throw new SipParseError(`bad-header:${what}`, `${what}: empty value for ${paramName(s, nameStart, nameEnd)}`);
      }
      if (params !== null) params.set(paramName(s, nameStart, nameEnd), s.slice(vStart, i));
      i = skipWs(s, i);
    } else if (params !== null) params.set(paramName(s, nameStart, nameEnd), null);
  }
}

/** s[start, end) lowercased, without slicing when it is a common parameter name. */
function paramName(s: string, start: number, end: number): string {
  return COMMON_PARAMS.find(s, start, end) ?? lowerAscii(s.slice(start, end));
}

export function formatParams(params: Map<string, string | null>): string {
  let out = "";
  for (const [k, v] of params) out += v === null ? `;${k}` : `;${k}=${v}`;
  return out;
}

const HEX = "0123456789ABCDEF";

function hexVal(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
}

const utf8 = new TextDecoder("utf-8");
const utf8enc = new TextEncoder();

/** Throws what percentDecode(s.slice(start, end), what) would throw, without decoding. */
export function checkEscapes(s: string, start: number, end: number, what: string): void {
  for (let i = start; i < end; i++) {
    if (s.charCodeAt(i) !== 0x25) continue;
    if (i + 2 >= end || hexVal(s.charCodeAt(i + 1)) < 0 || hexVal(s.charCodeAt(i + 2)) < 0) {
      throw new SipParseError(`bad-uri`, `${what}: bad %-escape`);
    }
    i += 2;
  }
}

/** Resolves %XX escapes (as UTF-8). Throws on a malformed escape. */
export function percentDecode(s: string, what: string): string {
  if (s.indexOf("%") < 0) return s;
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x25) {
      const h = hexVal(s.charCodeAt(i + 1));
      const l = hexVal(s.charCodeAt(i + 2));
      if (h < 0 || l < 0) throw new SipParseError(`bad-uri`, `${what}: bad %-escape`);
      bytes.push((h << 4) | l);
      i += 2;
    } else if (c < 0x80) bytes.push(c);
    else for (const b of utf8enc.encode(s[i])) bytes.push(b);
  }
  return utf8.decode(new Uint8Array(bytes));
}

/** %-escapes every byte of s (UTF-8) whose char is not allowed by `allowed`. */
export function percentEncode(s: string, allowed: (c: number) => boolean): string {
  let plain = true;
  for (let i = 0; i < s.length; i++) if (!allowed(s.charCodeAt(i))) { plain = false; break; }
  if (plain) return s;
  let out = "";
  for (const b of utf8enc.encode(s)) {
    if (b < 0x80 && allowed(b)) out += String.fromCharCode(b);
    else out += "%" + HEX[b >> 4] + HEX[b & 15];
  }
  return out;
}
