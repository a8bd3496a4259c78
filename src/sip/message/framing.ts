/** Message framing on stream transports (TCP/TLS): RFC 3261 §18.3, Content-Length is mandatory. */
import { Buffer } from "node:buffer";
import { SipParseError } from "./errors.ts";
import { resolveLimits, type ParseLimits } from "./limits.ts";
import { findHead } from "./parser.ts";

/**
 * Length of the first complete message in `buf` (header block + Content-Length body), or 0 while it is
 * incomplete. CR/LF bytes before a start line (RFC 5626 keep-alives) are returned as a frame of their own,
 * which parseMessage reports as SipParseError "empty". Throws SipParseError on bad framing (missing or bad
 * Content-Length, over maxBytes): the stream cannot be resynchronised and should be closed.
 */
export function frameLength(buf: Uint8Array, limits?: Partial<ParseLimits>): number {
  const lim = resolveLimits(limits);
  let lead = 0;
  while (lead < buf.length && (buf[lead] === 0x0d || buf[lead] === 0x0a)) lead++;
  if (lead > 0) return lead;
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.length);
  const head = findHead(b, 0);
  if (head.bodyStart < 0) {
    if (buf.length > lim.maxBytes) throw new SipParseError("too-large", "header block exceeds maxBytes", 513);
    return 0;
  }
  const length = contentLength(b.toString("latin1", 0, head.end));
  const total = head.bodyStart + length;
  if (total > lim.maxBytes) throw new SipParseError("too-large", `message of ${total} bytes`, 513);
  return buf.length >= total ? total : 0;
}

/** Content-Length (or compact "l") of a raw header block, unfolding continuation lines. */
function contentLength(head: string): number {
  let found = -1;
  const re = /(?:^|\n)(?:content-length|l)[ \t]*:[ \t]*((?:[^\r\n]|\r?\n[ \t])*)/gi;
  for (let m = re.exec(head); m; m = re.exec(head)) {
    const v = m[1].trim();
    if (!/^[0-9]{1,10}$/.test(v) || (found >= 0 && Number(v) !== found)) {
      throw new SipParseError("bad-content-length", `Content-Length "${v.slice(0, 20)}"`);
    }
    found = Number(v);
  }
  if (found < 0) throw new SipParseError("bad-content-length", "missing Content-Length on a stream transport");
  return found;
}
