/**
 * Splits a TCP/TLS byte stream into SIP messages by Content-Length (frameLength from the message layer).
 * Handles partial reads and several messages per chunk; the buffered bytes never exceed maxBufferBytes.
 */
import { frameLength, type ParseLimits } from "../message/index.ts";

export class FramingError extends Error {
  constructor(readonly code: string, message: string) { super(message); }
}

export interface FramedChunk {
  messages: Uint8Array[];
  /** Count of RFC 5626 double-CRLF pings seen (each wants a single CRLF pong). */
  pings: number;
}

const CR = 0x0d;
const LF = 0x0a;

export class StreamFramer {
  private buf = new Uint8Array(4096);
  private len = 0;

  constructor(private readonly maxBufferBytes: number, private readonly limits?: Partial<ParseLimits>) {}

  /** Feed a chunk; throws FramingError when the stream cannot be framed any more (the caller closes it). */
  push(chunk: Uint8Array): FramedChunk {
    this.append(chunk);
    const out: FramedChunk = { messages: [], pings: 0 };
    let start = 0;
    for (;;) {
      const ws = this.skipCrlf(start);
      if (ws - start >= 4) out.pings++;
      start = ws;
      if (start >= this.len) break;
      const view = this.buf.subarray(start, this.len);
      let n: number;
      try {
        n = frameLength(view, this.limits);
      } catch (err) {
        throw new FramingError((err as { code?: string }).code ?? "bad-framing", (err as Error).message);
      }
      if (n === 0) break;
      out.messages.push(view.slice(0, n));
      start += n;
    }
    this.consume(start);
    if (this.len > this.maxBufferBytes) throw new FramingError("too-large", `incomplete message exceeds ${this.maxBufferBytes} bytes`);
    return out;
  }

  get buffered(): number { return this.len; }

  private skipCrlf(i: number): number {
    while (i < this.len && (this.buf[i] === CR || this.buf[i] === LF)) i++;
    return i;
  }

  private append(chunk: Uint8Array): void {
    if (this.len + chunk.length > this.buf.length) {
      const grown = new Uint8Array(Math.max(this.buf.length * 2, this.len + chunk.length));
      grown.set(this.buf.subarray(0, this.len));
      this.buf = grown;
    }
    this.buf.set(chunk, this.len);
    this.len += chunk.length;
  }

  private consume(n: number): void {
    if (n === 0) return;
    this.buf.copyWithin(0, n, this.len);
    this.len -= n;
    if (this.len === 0 && this.buf.length > 65536) this.buf = new Uint8Array(4096);
  }
}
