/** Lexical helpers shared by the header parsers (RFC 3261 §25.1). All functions are linear-time. */
import { SipParseError } from "./errors.ts";

const TOKEN = new Uint8Array(128);
for (let c = 0x30; c <= 0x39; c++) TOKEN[c] = 1;
for (let c = 0x41; c <= 0x5a; c++) TOKEN[c] = 1;
for (let c = 0x61; c <= 0x7a; c++) TOKEN[c] = 1;
for (const ch of "-.!%*_+`'~") TOKEN[ch.charCodeAt(0)] = 1;

/** token = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~") */
export function isTokenChar(c: number): boolean {
  return c < 128 && TOKEN[c] === 1;
}

export function isToken(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) if (!isTokenChar(s.charCodeAt(i))) return false;
  return true;
}

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

/** Index just past the closing quote of the quoted-string starting at `start` (which is `"`), or -1. */
export function endOfQuoted(s: string, start: number): number {
  for (let i = start + 1; i < s.length; i++) {
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
 * Parses `*( SEMI generic-param )` starting at s[i] (which must be ";" or end of the value).
 * Names are lowercased; values are kept as written (quoted strings keep their quotes); LWS around
 * ";" and "=" is allowed. Returns the filled map. `what` names the header in error codes.
 */
export function parseParams(s: string, i: number, params: Map<string, string | null>, what: string): void {
  const n = s.length;
  i = skipWs(s, i);
  while (i < n) {
    if (s.charCodeAt(i) !== 0x3b) throw new SipParseError(`bad-header:${what}`, `${what}: expected ';' at ${i}`);
    i = skipWs(s, i + 1);
    const nameStart = i;
    let upper = false;
    for (; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 128 || TOKEN[c] !== 1) break;
      if (c <= 0x5a && c >= 0x41) upper = true;
    }
    if (i === nameStart) throw new SipParseError(`bad-header:${what}`, `${what}: empty parameter name`);
    const name = upper ? s.slice(nameStart, i).toLowerCase() : s.slice(nameStart, i);
    i = skipWs(s, i);
    let value: string | null = null;
    if (i < n && s.charCodeAt(i) === 0x3d) {
      i = skipWs(s, i + 1);
      if (s.charCodeAt(i) === 0x22) {
        const end = endOfQuoted(s, i);
        if (end < 0) throw new SipParseError(`bad-header:${what}`, `${what}: unterminated quoted parameter`);
        value = s.slice(i, end);
        i = end;
      } else {
        const vStart = i;
        // gen-value = token / host / quoted-string; host may be an IPv6 reference ("[...]") or bare IPv6
        while (i < n) {
          const c = s.charCodeAt(i);
          if (isTokenChar(c) || c === 0x3a || c === 0x5b || c === 0x5d) i++;
          else break;
        }
        if (i === vStart) throw new SipParseError(`bad-header:${what}`, `${what}: empty value for ${name}`);
        value = s.slice(vStart, i);
      }
      i = skipWs(s, i);
    }
    params.set(name, value);
  }
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
