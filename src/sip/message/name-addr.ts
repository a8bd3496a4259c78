/** name-addr / addr-spec with header parameters: From, To, Contact, Route, P-Asserted-Identity ... (RFC 3261 §20.10). */
import { SipParseError } from "./errors.ts";
import { endOfQuoted, formatParams, isToken, isTokenChar, isWs, parseParams, quote, skipWs, splitList, unquote } from "./lex.ts";
import { checkUri, formatUri, parseUri, type SipUri } from "./uri.ts";

export interface NameAddr {
  /** Unquoted, unescaped display name; null when absent. */
  displayName: string | null;
  uri: SipUri;
  /** Header parameters (tag lives here), lowercased names. */
  params: Map<string, string | null>;
}

export function parseNameAddr(text: string, what = "name-addr"): NameAddr {
  return readNameAddr(text, what, true)!;
}

/** Throws the SipParseError parseNameAddr(text, what) would throw, without building the value (validation at parse time). */
export function checkNameAddr(text: string, what: string): void {
  readNameAddr(text, what, false);
}

/** Contact entries of the Contact lines `all` (joined by ", "); the REGISTER wildcard `*` is skipped. */
export function parseContacts(all: string): NameAddr[] {
  const out: NameAddr[] = [];
  for (const v of splitList(all)) if (v !== "*") out.push(readNameAddr(v, "Contact", true)!);
  return out;
}

/** Throws the SipParseError parseContacts(all) would throw, without building the values. */
export function checkContacts(all: string): void {
  for (const v of splitList(all)) if (v !== "*") readNameAddr(v, "Contact", false);
}

/** The name-addr in `text`; with `build` false it is only checked, and null is returned. */
function readNameAddr(text: string, what: string, build: boolean): NameAddr | null {
  const s = text;
  const n = s.length;
  let i = skipWs(s, 0);
  let displayName: string | null = null;
  let uriText: string;
  if (s.charCodeAt(i) === 0x22) {
    const end = endOfQuoted(s, i);
    if (end < 0) throw new SipParseError(`bad-header:${what}`, `${what}: unterminated quoted display name`);
    displayName = build ? unquote(s.slice(i, end)) : "";
    i = skipWs(s, end);
    if (s.charCodeAt(i) !== 0x3c) throw new SipParseError(`bad-header:${what}`, `${what}: expected '<' after display name`);
  }
  const lt = displayName === null ? findLaquot(s, i) : i;
  if (lt >= 0) {
    if (displayName === null && lt > i) {
      const words = s.slice(i, lt).trim().split(/[ \t\r\n]+/);
      for (const w of words) {
        if (!isToken(w)) throw new SipParseError(`bad-header:${what}`, `${what}: display name is not a token list`);
      }
      displayName = words.join(" ");
    }
    const gt = s.indexOf(">", lt);
    if (gt < 0) throw new SipParseError(`bad-header:${what}`, `${what}: missing '>'`);
    uriText = s.slice(lt + 1, gt);
    i = gt + 1;
  } else {
    // addr-spec: the URI ends at the first ';' (what follows are header params) and must not hold ',' or '?'
    const start = i;
    while (i < n && s.charCodeAt(i) !== 0x3b && !isWs(s.charCodeAt(i))) i++;
    uriText = s.slice(start, i);
    if (uriText.indexOf("?") >= 0 || uriText.indexOf(",") >= 0) {
      throw new SipParseError(`bad-header:${what}`, `${what}: URI with '?' or ',' must be enclosed in <>`);
    }
  }
  let uri: SipUri | null = null;
  try {
    if (build) uri = parseUri(uriText);
    else checkUri(uriText);
  } catch (err) {
    throw new SipParseError(`bad-header:${what}`, `${what}: ${(err as Error).message}`);
  }
  const params = uri === null ? null : new Map<string, string | null>();
  parseParams(s, i, params, what);
  return uri === null || params === null ? null : { displayName, uri, params };
}

/** Index of the '<' of a name-addr, or -1 for an addr-spec (a ';' or '"' comes first, or no '<'). */
function findLaquot(s: string, i: number): number {
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x3c) return i;
    if (c === 0x3b || c === 0x22) return -1;
  }
  return -1;
}

function isTokenList(s: string): boolean {
  if (s.length === 0) return false;
  let prevSpace = true;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x20) {
      if (prevSpace) return false;
      prevSpace = true;
    } else if (isTokenChar(c)) prevSpace = false;
    else return false;
  }
  return !prevSpace;
}

export function formatNameAddr(v: NameAddr): string {
  let out = "";
  if (v.displayName !== null) out = (isTokenList(v.displayName) ? v.displayName : quote(v.displayName)) + " ";
  return out + "<" + formatUri(v.uri) + ">" + formatParams(v.params);
}
