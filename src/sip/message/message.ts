/**
 * SIP requests and responses (RFC 3261 §7). Typed accessors parse header values on each call and return fresh
 * objects (the parser only checked them, see parseMessage).
 */
import { Buffer } from "node:buffer";
import { SipParseError } from "./errors.ts";
import { SipHeaders } from "./headers.ts";
import { isTokenChar, parseBoundedInt, skipBlanks, skipWs } from "./lex.ts";
import { parseContacts, parseNameAddr, type NameAddr } from "./name-addr.ts";
import { formatUri, type SipUri } from "./uri.ts";
import { parseVia, type Via } from "./via.ts";

export interface CSeq {
  seq: number;
  method: string;
}

const decoder = new TextDecoder();
const EMPTY = new Uint8Array(0);

/** CSeq = 1*DIGIT LWS Method (RFC 3261 §20.16). */
export function parseCSeq(value: string): CSeq {
  const n = value.length;
  let i = skipBlanks(value, 0);
  const digits = i;
  let seq = 0;
  while (i < n) {
    const d = value.charCodeAt(i) - 0x30;
    if (d < 0 || d > 9) break;
    seq = seq * 10 + d;
    i++;
  }
  const gap = i;
  i = skipWs(value, i);
  const method = i;
  while (i < n && isTokenChar(value.charCodeAt(i))) i++;
  const methodEnd = i;
  if (gap === digits || gap - digits > 10 || method === gap || methodEnd === method || skipBlanks(value, i) !== n) {
    throw new SipParseError("bad-header:CSeq", `CSeq: malformed "${value.slice(0, 80)}"`);
  }
  if (seq >= 2 ** 31) throw new SipParseError("bad-header:CSeq", "CSeq: sequence number >= 2^31");
  return { seq, method: value.slice(method, methodEnd) };
}

/** The message as received, kept only when it is byte for byte what serialize() would write. */
interface Received {
  /** Start line, header lines each ending in CRLF, CRLF, body. */
  bytes: Uint8Array;
  /** The body as parsed, a view of the end of `bytes` (so edits in place show in both). */
  body: Uint8Array;
  startLine: string;
  headers: SipHeaders;
  /** `headers.changes` when received; any edit since then invalidates the bytes. */
  changes: number;
}

export abstract class SipMessage {
  headers: SipHeaders;
  body: Uint8Array;

  constructor(headers: SipHeaders = new SipHeaders(), body: Uint8Array = EMPTY) {
    this.headers = headers;
    this.body = body;
  }

  abstract startLine(): string;

  private received: Received | null = null;

  /**
   * Parser hook: `bytes` (the message as received, ending in the current body, which is a view of them) equal
   * what serialize() writes for the current start line, headers and body; serialize() copies them while that holds.
   */
  keepReceived(bytes: Uint8Array, startLine: string): void {
    this.received = { bytes, body: this.body, startLine, headers: this.headers, changes: this.headers.changes };
  }

  private required(name: string): string {
    const v = this.headers.get(name);
    if (v === undefined) throw new SipParseError(`missing-header:${name}`, `missing ${name} header`);
    return v;
  }

  get callId(): string {
    const v = this.required("Call-ID").trim();
    if (v.length === 0 || /[\s]/.test(v)) throw new SipParseError("bad-header:Call-ID", "Call-ID: malformed");
    return v;
  }

  get cseq(): CSeq {
    return parseCSeq(this.required("CSeq"));
  }

  get from(): NameAddr {
    return parseNameAddr(this.required("From"), "From");
  }

  get to(): NameAddr {
    return parseNameAddr(this.required("To"), "To");
  }

  /** Every via-parm, top first, across all Via header lines. */
  get vias(): Via[] {
    const out: Via[] = [];
    for (const v of this.headers.getAll("Via")) for (const via of parseVia(v)) out.push(via);
    if (out.length === 0) throw new SipParseError("missing-header:Via", "missing Via header");
    return out;
  }

  get topVia(): Via {
    return parseVia(this.required("Via"))[0];
  }

  /** Contact entries; [] when absent or for the REGISTER wildcard `*`. */
  get contact(): NameAddr[] {
    return parseContacts(this.headers.joined("Contact") ?? "");
  }

  get maxForwards(): number | null {
    const v = this.headers.get("Max-Forwards");
    if (v === undefined) return null;
    const n = parseBoundedInt(v, 255);
    if (n === null) throw new SipParseError("bad-header:Max-Forwards", "Max-Forwards: not 0..255");
    return n;
  }

  /** The wire form; Content-Length always equals body.length. */
  serialize(): Uint8Array {
    const r = this.received;
    if (
      r !== null &&
      r.body === this.body &&
      r.headers === this.headers &&
      r.changes === this.headers.changes &&
      r.startLine === this.startLine()
    ) {
      return r.bytes.slice(); // a copy: the caller may keep or change it
    }
    const head = this.startLine() + "\r\n" + this.headers.format(this.body.length) + "\r\n";
    const headBytes = Buffer.byteLength(head, "utf8");
    const out = new Uint8Array(headBytes + this.body.length);
    Buffer.from(out.buffer, 0, headBytes).write(head, 0, "utf8"); // faster than TextEncoder.encodeInto in Bun
    out.set(this.body, headBytes);
    return out;
  }

  toString(): string {
    return decoder.decode(this.serialize());
  }
}

export class SipRequest extends SipMessage {
  #uri: SipUri;
  /** The Request-URI as received, reused by serialize() until `uri` is read or replaced (and so may change). */
  #uriText: string | null;

  constructor(
    public method: string,
    uri: SipUri,
    headers?: SipHeaders,
    body?: Uint8Array,
    uriText?: string,
  ) {
    super(headers, body);
    this.#uri = uri;
    this.#uriText = uriText ?? null;
  }

  get uri(): SipUri {
    this.#uriText = null;
    return this.#uri;
  }

  set uri(uri: SipUri) {
    this.#uri = uri;
    this.#uriText = null;
  }

  startLine(): string {
    return `${this.method} ${this.#uriText ?? formatUri(this.#uri)} SIP/2.0`;
  }
}

export class SipResponse extends SipMessage {
  constructor(
    public status: number,
    public reason: string,
    headers?: SipHeaders,
    body?: Uint8Array,
  ) {
    super(headers, body);
  }

  startLine(): string {
    return `SIP/2.0 ${this.status} ${this.reason}`;
  }
}
