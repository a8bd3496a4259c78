/** Datagram parser: bytes -> SipRequest | SipResponse, or a SipParseError (never another exception). */
import { Buffer } from "node:buffer";
import { SipParseError } from "./errors.ts";
import { knownName, knownNameAsWritten, SipHeaders, type NameInfo } from "./headers.ts";
import { isToken, isTokenChar, parseBoundedInt, skipBlanks, trimLws } from "./lex.ts";
import { resolveLimits, type ParseLimits } from "./limits.ts";
import { SipRequest, SipResponse } from "./message.ts";
import { checkContacts, checkNameAddr } from "./name-addr.ts";
import { isSupportedScheme, parseUri, type SipUri } from "./uri.ts";
import { checkVia, parseVia } from "./via.ts";

/** Request-URI stand-in on a request attached to a SipParseError whose own Request-URI was unusable. */
const PLACEHOLDER_URI = "sip:invalid.invalid";

interface Head {
  start: number; // first byte of the start line (leading CRLFs skipped)
  end: number; // first byte of the blank line ending the header block, or data.length if none
  bodyStart: number; // -1 when the blank line is missing
}

const CRLFCRLF = Buffer.from("\r\n\r\n");
const LFLF = Buffer.from("\n\n");

// Buffer's byte-sequence search and decoding work on any Uint8Array: wrapping one in a Buffer costs more
const bufferIndexOf = Buffer.prototype.indexOf;
const bufferLastIndexOf = Buffer.prototype.lastIndexOf;
const bufferToString = Buffer.prototype.toString;

/** Locates the header block, tolerating bare-LF line ends. */
export function findHead(buf: Uint8Array, from: number): Head {
  let start = from;
  while (start < buf.length && (buf[start] === 0x0d || buf[start] === 0x0a)) start++;
  const crlf = bufferIndexOf.call(buf, CRLFCRLF, start);
  if (crlf >= 0) {
    // a bare-LF blank line may come first; only the bytes before the CRLFCRLF need a look (a stream buffer
    // may hold many messages after it): a backward search from there, then the first one when there is one
    if (crlf - start >= 2 && bufferLastIndexOf.call(buf, LFLF, crlf - 1) >= start) {
      const lf = bufferIndexOf.call(buf.subarray(start, crlf), LFLF, 0);
      return { start, end: start + lf, bodyStart: start + lf + 2 };
    }
    return { start, end: crlf, bodyStart: crlf + 4 };
  }
  const lf = bufferIndexOf.call(buf, LFLF, start);
  if (lf >= 0) return { start, end: lf, bodyStart: lf + 2 };
  return { start, end: buf.length, bodyStart: -1 };
}

export function parseMessage(data: Uint8Array, limits?: Partial<ParseLimits>): SipRequest | SipResponse {
  try {
    return parse(data, resolveLimits(limits));
  } catch (err) {
    if (err instanceof SipParseError) throw err;
    // A bug in a header parser must not take the transport down: report it as a parse failure.
    throw new SipParseError("internal", `parser failure: ${String(err)}`);
  }
}

function parse(data: Uint8Array, limits: ParseLimits): SipRequest | SipResponse {
  if (data.length > limits.maxBytes) throw new SipParseError("too-large", `message of ${data.length} bytes`, 513);
  const head = findHead(data, 0);
  if (head.start >= data.length) throw new SipParseError("empty", "only CR/LF (keep-alive)");
  const text: string = bufferToString.call(data, "utf8", head.start, head.end);

  const nl = text.indexOf("\n");
  const firstLine = stripCr(nl < 0 ? text : text.slice(0, nl));
  if (firstLine.indexOf("\r") >= 0) throw new SipParseError("bad-start-line", "bare CR in the start line");
  const headers = new SipHeaders();
  const canonical = readHeaders(text, nl < 0 ? text.length : nl + 1, headers, limits);

  const start = firstLine.startsWith("SIP/") ? buildResponse(firstLine, headers) : buildRequest(firstLine, headers);
  const msg = start.message;
  try {
    if (start.error) throw start.error;
    // One copy holds head and body: the body is a view of it, and serialize() may re-send it whole. A plain
    // Uint8Array made by its constructor: Buffer#slice (data may be a Buffer) would alias the receive buffer.
    const headLength = head.bodyStart - head.start;
    const end = head.bodyStart + bodyLength(data, head, headers);
    const copy = new Uint8Array(head.start === 0 && end === data.length ? data : data.subarray(head.start, end));
    msg.body = copy.subarray(headLength);
    validate(msg);
    // Re-sendable when the start line and every header line are in serialize() form, the head ends in CRLFCRLF
    // and it was valid UTF-8 (U+FFFD: bytes that were not would be written back differently).
    if (canonical && nl > 0 && text.charCodeAt(nl - 1) === 0x0d && head.bodyStart === head.end + 4 && text.indexOf("\uFFFD") < 0) {
      keepReceived(msg, copy, firstLine);
    }
  } catch (err) {
    if (err instanceof SipParseError && msg instanceof SipRequest && answerable(msg)) err.request = msg;
    throw err;
  }
  return msg;
}

function stripCr(line: string): string {
  return line.length > 0 && line.charCodeAt(line.length - 1) === 0x0d ? line.slice(0, -1) : line;
}

/**
 * Splits the header block into (name, value) pairs with index arithmetic: one slice per name and value.
 * Returns whether every line is already in the form SipHeaders.format() writes ("Name: value" CRLF, canonical
 * name, no folding), so that the received bytes can be re-sent unchanged.
 */
function readHeaders(text: string, pos: number, headers: SipHeaders, limits: ParseLimits): boolean {
  const n = text.length;
  let name: string | NameInfo = "";
  let value = "";
  let canonical = true;
  let cr = text.indexOf("\r", pos); // next CR at or after pos, so each line's check costs no rescan
  while (pos < n) {
    let nl = text.indexOf("\n", pos);
    if (nl < 0) nl = n;
    let end = nl;
    if (end > pos && text.charCodeAt(end - 1) === 0x0d) {
      end--;
      if (nl === n) canonical = false; // a CR before the CRLFCRLF that ends the head
    } else if (nl < n) canonical = false; // bare LF
    if (cr >= 0 && cr < end) throw new SipParseError("bad-header-line", "bare CR inside a header line");
    if (cr >= 0 && cr < nl) cr = text.indexOf("\r", nl);
    const c0 = text.charCodeAt(pos);
    if (c0 === 0x20 || c0 === 0x09) {
      // folded continuation (LWS): joins the previous value with one SP
      if (name === "") throw new SipParseError("bad-header-line", "continuation line before any header");
      const more = trimLws(text.slice(pos, end));
      if (more) value = value ? value + " " + more : more;
      canonical = false;
    } else {
      if (name !== "") addHeader(headers, name, value, limits);
      // the usual line: a known name as SipHeaders writes it, directly before the colon (so no token scan)
      let i = text.indexOf(":", pos);
      let known = i > pos && i < end ? knownNameAsWritten(text, pos, i) : undefined;
      if (known === undefined || known.name.length !== i - pos /* compact form */) {
        i = pos;
        while (i < end && isTokenChar(text.charCodeAt(i))) i++;
        if (i === pos) throw new SipParseError("bad-header-line", `bad header line "${text.slice(pos, Math.min(end, pos + 60))}"`);
        known = knownName(text, pos, i);
        if (known !== undefined && !text.startsWith(known.name, pos)) canonical = false; // compact form or other case
      }
      name = known ?? text.slice(pos, i);
      const colon = i;
      i = skipBlanks(text, i);
      if (text.charCodeAt(i) !== 0x3a || i >= end) {
        throw new SipParseError("bad-header-line", `header line without colon: "${text.slice(pos, Math.min(end, pos + 60))}"`);
      }
      i = skipBlanks(text, i + 1);
      let vEnd = end;
      while (vEnd > i && (text.charCodeAt(vEnd - 1) === 0x20 || text.charCodeAt(vEnd - 1) === 0x09)) vEnd--;
      if (i !== colon + 2 || text.charCodeAt(colon + 1) !== 0x20 || vEnd !== end) canonical = false;
      value = text.slice(i, vEnd);
    }
    if (value.length > limits.maxHeaderLength) {
      throw new SipParseError("header-too-long", `header value longer than ${limits.maxHeaderLength}`);
    }
    pos = nl + 1;
  }
  if (name !== "") addHeader(headers, name, value, limits);
  return canonical;
}

function addHeader(headers: SipHeaders, name: string | NameInfo, value: string, limits: ParseLimits): void {
  if (headers.size >= limits.maxHeaders) throw new SipParseError("too-many-headers", `more than ${limits.maxHeaders} headers`);
  headers.appendRaw(name, value);
}

interface StartLine {
  message: SipRequest | SipResponse;
  /** A start-line fault found after enough was read to build the request (thrown once headers are known). */
  error?: SipParseError;
}

function buildResponse(line: string, headers: SipHeaders): StartLine {
  const m = /^SIP\/2\.0 ([1-6][0-9][0-9])(?: (.*))?$/i.exec(line);
  if (!m) throw new SipParseError("bad-start-line", `bad status line "${line.slice(0, 80)}"`);
  return { message: new SipResponse(Number(m[1]), m[2] ?? "", headers) };
}

function buildRequest(line: string, headers: SipHeaders): StartLine {
  const parts = line.split(" ");
  if (parts.length === 3 && parts[0] && parts[1] && parts[2]) {
    const [method, rawUri, version] = parts;
    if (!isToken(method)) throw new SipParseError("bad-start-line", "bad method");
    let error: SipParseError | undefined;
    if (version !== "SIP/2.0") {
      if (!/^SIP\/[0-9]+\.[0-9]+$/i.test(version)) throw new SipParseError("bad-start-line", "bad SIP version");
      if (version.toUpperCase() !== "SIP/2.0") error = new SipParseError("bad-version", `unsupported ${version}`, 505);
    }
    let uri: SipUri;
    try {
      uri = parseUri(rawUri);
    } catch (err) {
      if (!(err instanceof SipParseError)) throw err;
      uri = parseUri(PLACEHOLDER_URI);
      error ??= new SipParseError("bad-request-uri", err.message);
    }
    if (!isSupportedScheme(uri.scheme)) {
      error ??= new SipParseError("unsupported-uri-scheme", `unsupported URI scheme ${uri.scheme.slice(0, 40)}`, 416);
    }
    if (!error && uri.headers.size > 0) error = new SipParseError("bad-request-uri", "Request-URI carries headers");
    return { message: new SipRequest(method, uri, headers, undefined, error ? undefined : rawUri), error };
  }
  // Irregular whitespace (RFC 4475 lwsstart, trws, lwsruri): answerable with 400 if method and version are readable.
  const words = line.trim().split(/[ \t]+/);
  if (words.length >= 3 && isToken(words[0]) && /^SIP\/2\.0$/i.test(words[words.length - 1])) {
    const request = new SipRequest(words[0], parseUri(PLACEHOLDER_URI), headers);
    return { message: request, error: new SipParseError("bad-start-line", "irregular whitespace in request line") };
  }
  throw new SipParseError("bad-start-line", `bad request line "${line.slice(0, 80)}"`);
}

/**
 * A request can be answered when its top Via names a transport and sent-by (RFC 3261 §18.2.2 routes by it);
 * its parameters may still be malformed (RFC 4475 badinv01), so answer those to the packet's source.
 */
function answerable(req: SipRequest): boolean {
  const top = req.headers.get("Via");
  if (top === undefined) return false;
  const cut = top.search(/[;,]/);
  try {
    parseVia(cut < 0 ? top : top.slice(0, cut));
    return true;
  } catch {
    return false;
  }
}

/** Lets serialize() re-send the received bytes when their one Content-Length is written as serialize() would. */
function keepReceived(msg: SipRequest | SipResponse, bytes: Uint8Array, startLine: string): void {
  const length = String(msg.body.length);
  if (msg.headers.count("Content-Length") !== 1 || msg.headers.get("Content-Length") !== length) return;
  msg.keepReceived(bytes, startLine);
}

/** Body length by Content-Length; all the bytes after the head when it is absent (datagrams, RFC 3261 §18.3). */
function bodyLength(data: Uint8Array, head: Head, headers: SipHeaders): number {
  if (head.bodyStart < 0) throw new SipParseError("no-end-of-headers", "missing blank line after headers");
  const available = data.length - head.bodyStart;
  const values = headers.getAll("Content-Length");
  if (values.length === 0) return available;
  let length = -1;
  for (const v of values) {
    const n = parseBoundedInt(v, 0xffffffff);
    if (n === null || (length >= 0 && n !== length)) throw new SipParseError("bad-content-length", `Content-Length "${v.slice(0, 20)}"`);
    length = n;
  }
  if (length > available) {
    throw new SipParseError("bad-content-length", `Content-Length ${length} exceeds the ${available} bytes received`);
  }
  return length;
}

/** Headers that must appear once (RFC 4475 §3.3.8); Max-Forwards at most once. */
const SINGLE = ["From", "To", "Call-ID", "CSeq", "Max-Forwards"] as const;

/**
 * Eager checks of the headers every layer relies on (RFC 3261 §8.1.1, RFC 4475 §3.1.2): each accessor of these
 * would throw the same error, but the checks build no values (the accessors do, when called).
 */
function validate(msg: SipRequest | SipResponse): void {
  const h = msg.headers;
  // only the top Via is ever interpreted here; the others are copied verbatim into responses
  const topVia = h.get("Via");
  if (topVia === undefined) throw new SipParseError("missing-header:Via", "missing Via header");
  checkVia(topVia);
  for (const name of SINGLE) {
    const count = h.count(name);
    if (count > 1) throw new SipParseError(`bad-header:${name}`, `${count} ${name} headers`);
    if (count === 0 && name !== "Max-Forwards") throw new SipParseError(`missing-header:${name}`, `missing ${name} header`);
  }
  msg.callId;
  const cseq = msg.cseq;
  checkNameAddr(h.get("From")!, "From"); // present: counted above
  checkNameAddr(h.get("To")!, "To");
  checkContacts(h.joined("Contact") ?? "");
  if (msg instanceof SipResponse) return;
  if (cseq.method !== msg.method) {
    throw new SipParseError("bad-header:CSeq", `CSeq method ${cseq.method} does not match ${msg.method}`);
  }
  msg.maxForwards;
  const expires = h.get("Expires");
  if (expires !== undefined && parseBoundedInt(expires, 0xffffffff) === null) {
    throw new SipParseError("bad-header:Expires", "Expires: not a delta-seconds value");
  }
}
