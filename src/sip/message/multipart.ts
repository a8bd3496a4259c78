/** multipart/mixed bodies (RFC 2046 §5.1; SDP + PIDF-LO location per RFC 6442). */
import { Buffer } from "node:buffer";
import { SipParseError } from "./errors.ts";
import { SipHeaders } from "./headers.ts";
import { endOfQuoted, unquote } from "./lex.ts";
import { findHead } from "./parser.ts";
import { generateTag } from "./ids.ts";

export interface BodyPart {
  contentType: string;
  body: Uint8Array;
  headers: SipHeaders;
}

const MAX_PARTS = 32;

/** The value of a Content-Type parameter (`boundary`, `charset`), unquoted; undefined when absent. */
export function contentTypeParam(contentType: string, name: string): string | undefined {
  const want = name.toLowerCase();
  let i = contentType.indexOf(";");
  while (i >= 0 && i < contentType.length) {
    const eq = contentType.indexOf("=", i);
    if (eq < 0) return undefined;
    const key = contentType.slice(i + 1, eq).trim().toLowerCase();
    let j = eq + 1;
    while (contentType[j] === " " || contentType[j] === "\t") j++;
    let value: string;
    if (contentType[j] === '"') {
      const end = endOfQuoted(contentType, j);
      if (end < 0) return undefined;
      value = unquote(contentType.slice(j, end));
      j = end;
    } else {
      const semi = contentType.indexOf(";", j);
      value = contentType.slice(j, semi < 0 ? contentType.length : semi).trim();
      j = semi < 0 ? contentType.length : semi;
    }
    if (key === want) return value;
    i = contentType.indexOf(";", j);
  }
  return undefined;
}

/** Media type without parameters, lowercased: "multipart/mixed". */
export function mediaType(contentType: string): string {
  const semi = contentType.indexOf(";");
  return (semi < 0 ? contentType : contentType.slice(0, semi)).trim().toLowerCase();
}

export function parseMultipart(contentType: string, body: Uint8Array): BodyPart[] {
  if (!mediaType(contentType).startsWith("multipart/")) {
    throw new SipParseError("bad-multipart", `not a multipart Content-Type: ${contentType.slice(0, 60)}`);
  }
  const boundary = contentTypeParam(contentType, "boundary");
  if (!boundary || boundary.length > 70) throw new SipParseError("bad-multipart", "missing or overlong boundary");
  const buf = Buffer.from(body.buffer, body.byteOffset, body.length);
  const delimiter = "--" + boundary;
  // the first delimiter may open the body; later ones are preceded by CRLF (or bare LF)
  let pos = buf.indexOf(delimiter);
  if (pos < 0 || (pos > 0 && buf[pos - 1] !== 0x0a)) throw new SipParseError("bad-multipart", "no opening boundary");
  const parts: BodyPart[] = [];
  for (;;) {
    let after = pos + delimiter.length;
    if (buf[after] === 0x2d && buf[after + 1] === 0x2d) return parts; // close-delimiter
    while (buf[after] === 0x20 || buf[after] === 0x09) after++; // transport padding
    if (buf[after] === 0x0d) after++;
    if (buf[after] !== 0x0a) throw new SipParseError("bad-multipart", "boundary line not ended by CRLF");
    const partStart = after + 1;
    const next = buf.indexOf("\n" + delimiter, partStart - 1);
    if (next < 0) throw new SipParseError("bad-multipart", "missing close boundary");
    const partEnd = next > 0 && buf[next - 1] === 0x0d ? next - 1 : next;
    if (parts.length >= MAX_PARTS) throw new SipParseError("bad-multipart", `more than ${MAX_PARTS} parts`);
    parts.push(parsePart(buf, partStart, Math.max(partStart, partEnd)));
    pos = next + 1;
  }
}

function parsePart(buf: Buffer, start: number, end: number): BodyPart {
  const part = buf.subarray(start, end);
  const headers = new SipHeaders();
  let bodyStart = 0;
  // a part may start directly with its body after an empty header block
  if (!(part[0] === 0x0a || (part[0] === 0x0d && part[1] === 0x0a))) {
    const head = findHead(part, 0);
    if (head.bodyStart < 0) throw new SipParseError("bad-multipart", "part without blank line after headers");
    for (const line of part.toString("utf8", 0, head.end).split(/\r?\n(?![ \t])/)) {
      const colon = line.indexOf(":");
      if (colon <= 0) throw new SipParseError("bad-multipart", "bad part header line");
      try {
        headers.append(line.slice(0, colon).trim(), line.slice(colon + 1).replace(/\r?\n[ \t]+/g, " ").trim());
      } catch {
        throw new SipParseError("bad-multipart", "bad part header name");
      }
    }
    bodyStart = head.bodyStart;
  } else bodyStart = part[0] === 0x0a ? 1 : 2;
  return {
    // RFC 2046 §5.1: a part without Content-Type is text/plain
    contentType: headers.get("Content-Type") ?? "text/plain",
    body: new Uint8Array(part.subarray(bodyStart)),
    headers,
  };
}

const encoder = new TextEncoder();

export function buildMultipart(
  parts: { contentType: string; body: Uint8Array; headers?: [string, string][] }[],
): { contentType: string; body: Uint8Array } {
  const boundary = "avsplit-" + generateTag() + generateTag();
  const chunks: Uint8Array[] = [];
  for (const p of parts) {
    let head = `--${boundary}\r\nContent-Type: ${p.contentType}\r\n`;
    for (const [n, v] of p.headers ?? []) head += `${n}: ${v}\r\n`;
    chunks.push(encoder.encode(head + "\r\n"), p.body, encoder.encode("\r\n"));
  }
  chunks.push(encoder.encode(`--${boundary}--\r\n`));
  const body = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let off = 0;
  for (const c of chunks) {
    body.set(c, off);
    off += c.length;
  }
  return { contentType: `multipart/mixed;boundary=${boundary}`, body };
}
