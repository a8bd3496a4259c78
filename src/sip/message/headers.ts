/** Ordered, case-insensitive SIP header list with compact forms expanded (RFC 3261 §7.3, §20). */
import { splitList, Vocabulary } from "./lex.ts";

const CANONICAL = [
  "Accept", "Accept-Contact", "Accept-Encoding", "Accept-Language", "Alert-Info", "Allow", "Allow-Events",
  "Authentication-Info", "Authorization", "Call-ID", "Call-Info", "Contact", "Content-Disposition",
  "Content-Encoding", "Content-ID", "Content-Language", "Content-Length", "Content-Type", "CSeq", "Date",
  "Error-Info", "Event", "Expires", "Feature-Caps", "From", "Geolocation", "Geolocation-Routing",
  "History-Info", "Identity", "Identity-Info", "In-Reply-To", "Max-Forwards", "MIME-Version", "Min-Expires",
  "Min-SE", "Organization", "P-Access-Network-Info", "P-Asserted-Identity", "P-Associated-URI",
  "P-Called-Party-ID", "P-Charging-Function-Addresses", "P-Charging-Vector", "P-Early-Media",
  "P-Preferred-Identity", "P-Preferred-Service", "P-Asserted-Service", "P-Visited-Network-ID", "Path",
  "Priority", "Privacy", "Proxy-Authenticate", "Proxy-Authorization", "Proxy-Require", "RAck", "Reason",
  "Record-Route", "Recv-Info", "Refer-To", "Referred-By", "Reject-Contact", "Replaces", "Reply-To",
  "Request-Disposition", "Require", "Retry-After", "Route", "RSeq", "Security-Client", "Security-Server",
  "Security-Verify", "Server", "Service-Route", "Session-Expires", "Session-ID", "SIP-ETag", "SIP-If-Match",
  "Subject", "Subscription-State", "Supported", "Timestamp", "To", "Unsupported", "User-Agent",
  "User-to-User", "Via", "Warning", "WWW-Authenticate",
];

const BY_KEY = new Map<string, string>(CANONICAL.map((h) => [h.toLowerCase(), h]));

/** RFC 3261 §7.3.3 and later extensions (RFC 3265, 3515, 3841, 3892, 4028, 4474). */
const COMPACT: Record<string, string> = {
  a: "Accept-Contact", b: "Referred-By", c: "Content-Type", d: "Request-Disposition", e: "Content-Encoding",
  f: "From", i: "Call-ID", j: "Reject-Contact", k: "Supported", l: "Content-Length", m: "Contact",
  n: "Identity-Info", o: "Event", r: "Refer-To", s: "Subject", t: "To", u: "Allow-Events", v: "Via",
  x: "Session-Expires", y: "Identity",
};
for (const [k, v] of Object.entries(COMPACT)) BY_KEY.set(k, v);

/** Headers whose grammar is a comma-separated list (`#(...)` in the ABNF); getAll() splits them. */
const LIST_HEADERS = new Set(
  [
    "Accept", "Accept-Contact", "Accept-Encoding", "Accept-Language", "Alert-Info", "Allow", "Allow-Events",
    "Call-Info", "Contact", "Content-Encoding", "Content-Language", "Error-Info", "Feature-Caps", "Geolocation",
    "History-Info", "In-Reply-To", "P-Asserted-Identity", "P-Associated-URI", "P-Early-Media",
    "P-Preferred-Identity", "P-Asserted-Service", "P-Preferred-Service", "P-Visited-Network-ID", "Path",
    "Proxy-Require", "Reason", "Record-Route", "Recv-Info", "Reject-Contact", "Request-Disposition", "Require",
    "Route", "Security-Client", "Security-Server", "Security-Verify", "Service-Route", "Supported",
    "Unsupported", "Via", "Warning",
  ].map((h) => h.toLowerCase()),
);

export interface NameInfo {
  /** Spelling written on the wire. */
  name: string;
  /** Lowercased canonical name used for lookups. */
  key: string;
}

/** Spellings seen so far -> NameInfo; spares a toLowerCase per lookup. Bounded in entries and name length. */
const NAME_CACHE = new Map<string, NameInfo>();
const NAME_CACHE_MAX = 2048;
const NAME_CACHE_MAX_LENGTH = 64;

function nameInfo(raw: string): NameInfo {
  let info = NAME_CACHE.get(raw);
  if (info !== undefined) return info;
  const lower = raw.toLowerCase();
  const canon = BY_KEY.get(lower);
  info = canon === undefined ? { name: raw, key: lower } : { name: canon, key: canon.toLowerCase() };
  if (NAME_CACHE.size < NAME_CACHE_MAX && raw.length <= NAME_CACHE_MAX_LENGTH) NAME_CACHE.set(raw, info);
  return info;
}

/** Canonical spelling of a header name: compact forms expanded, known names in RFC case, others as given. */
export function canonicalName(name: string): string {
  return nameInfo(name).name;
}

function keyOf(name: string): string {
  return nameInfo(name).key;
}

/** Known names (compact forms included), recognised in place so the parser need not slice them. */
const KNOWN = new Vocabulary<NameInfo>(
  [...BY_KEY].map(([lower, canon]) => {
    const key = canon.toLowerCase();
    return [key === lower ? canon : lower, { name: canon, key }];
  }),
);

/** The known header named by text[start, end) in any case, or undefined. */
export function knownName(text: string, start: number, end: number): NameInfo | undefined {
  return KNOWN.find(text, start, end);
}

/** The known header named by text[start, end) spelled as SipHeaders writes it (or as a compact form), or undefined. */
export function knownNameAsWritten(text: string, start: number, end: number): NameInfo | undefined {
  return KNOWN.exact(text, start, end);
}

export function isListHeader(name: string): boolean {
  return LIST_HEADERS.has(keyOf(name));
}

/** Programmatic values must not smuggle line breaks into the wire format (header injection). */
function checkHeader(name: string, value: string): void {
  if (!/^[A-Za-z0-9\-.!%*_+`'~]+$/.test(name)) throw new TypeError(`invalid SIP header name ${JSON.stringify(name)}`);
  if (/[\r\n]/.test(value)) throw new TypeError(`SIP header ${name} value contains CR or LF`);
}

export class SipHeaders {
  private names: string[] = [];
  private keys: string[] = [];
  private values: string[] = [];
  /** Bumped by every edit, so a message can tell that the header block it received is still what it holds. */
  private edits = 0;

  constructor(init?: Iterable<[string, string]>) {
    if (init) for (const [n, v] of init) this.append(n, v);
  }

  get size(): number {
    return this.names.length;
  }

  /** Number of edits (set, append, prepend, delete) so far. */
  get changes(): number {
    return this.edits;
  }

  /** First raw value. */
  get(name: string): string | undefined {
    const i = this.keys.indexOf(keyOf(name));
    return i < 0 ? undefined : this.values[i];
  }

  /** Every value in order; comma lists are split (quote- and <>-aware) for list headers. */
  getAll(name: string): string[] {
    const key = keyOf(name);
    const split = LIST_HEADERS.has(key);
    const out: string[] = [];
    for (let i = this.keys.indexOf(key); i >= 0; i = this.keys.indexOf(key, i + 1)) {
      if (split) for (const v of splitList(this.values[i])) out.push(v);
      else out.push(this.values[i]);
    }
    return out;
  }

  /** The raw values of every line of that name joined by ", " (how list header lines combine, §7.3.1). */
  joined(name: string): string | undefined {
    const key = keyOf(name);
    let out: string | undefined;
    for (let i = this.keys.indexOf(key); i >= 0; i = this.keys.indexOf(key, i + 1)) {
      out = out === undefined ? this.values[i] : out + ", " + this.values[i];
    }
    return out;
  }

  /** Number of header lines of that name (comma lists not split). */
  count(name: string): number {
    const key = keyOf(name);
    let n = 0;
    // native indexOf: a JS loop of string comparisons costs several times more
    for (let i = this.keys.indexOf(key); i >= 0; i = this.keys.indexOf(key, i + 1)) n++;
    return n;
  }

  has(name: string): boolean {
    return this.keys.indexOf(keyOf(name)) >= 0;
  }

  /** Replaces the first occurrence (removing the others) or appends. */
  set(name: string, value: string): void {
    const key = keyOf(name);
    const i = this.keys.indexOf(key);
    if (i < 0) {
      this.push(name, key, value);
      return;
    }
    checkHeader(name, value);
    this.edits++;
    this.values[i] = value;
    for (let j = this.keys.length - 1; j > i; j--) if (this.keys[j] === key) this.removeAt(j);
  }

  append(name: string, value: string): void {
    this.push(name, keyOf(name), value);
  }

  /** Inserts before the first header of that name (e.g. a new top Via), else at the top. */
  prepend(name: string, value: string): void {
    checkHeader(name, value);
    const key = keyOf(name);
    const i = Math.max(0, this.keys.indexOf(key));
    this.edits++;
    this.names.splice(i, 0, canonicalName(name));
    this.keys.splice(i, 0, key);
    this.values.splice(i, 0, value);
  }

  delete(name: string): void {
    const key = keyOf(name);
    for (let j = this.keys.length - 1; j >= 0; j--) if (this.keys[j] === key) this.removeAt(j);
  }

  /** [canonical name, raw value] in wire order. */
  entries(): [string, string][] {
    return this.names.map((n, i) => [n, this.values[i]]);
  }

  clone(): SipHeaders {
    const c = new SipHeaders();
    c.names = this.names.slice();
    c.keys = this.keys.slice();
    c.values = this.values.slice();
    return c;
  }

  /** Parser fast path: `name` is a validated token (raw spelling) or an already resolved known name. */
  appendRaw(name: string | NameInfo, value: string): void {
    const info = typeof name === "string" ? nameInfo(name) : name;
    this.names.push(info.name);
    this.keys.push(info.key);
    this.values.push(value);
    this.edits++; // the received bytes are snapshotted after parsing: any later append invalidates them
  }

  /** Serialized header block (each line ends in CRLF); Content-Length is written as `contentLength`. */
  format(contentLength: number): string {
    let out = "";
    let wroteLength = false;
    for (let i = 0; i < this.names.length; i++) {
      if (this.keys[i] === "content-length") {
        if (!wroteLength) out += "Content-Length: " + contentLength + "\r\n";
        wroteLength = true;
      } else out += this.names[i] + ": " + this.values[i] + "\r\n";
    }
    if (!wroteLength) out += "Content-Length: " + contentLength + "\r\n";
    return out;
  }

  private push(name: string, key: string, value: string): void {
    checkHeader(name, value);
    this.edits++;
    this.names.push(canonicalName(name));
    this.keys.push(key);
    this.values.push(value);
  }

  private removeAt(i: number): void {
    this.edits++;
    this.names.splice(i, 1);
    this.keys.splice(i, 1);
    this.values.splice(i, 1);
  }
}
