/** Stream framing (TCP/TLS): frameLength finds message boundaries by Content-Length (RFC 3261 §18.3). */
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { frameLength, parseMessage, SipParseError } from "../../../src/sip/message/index.ts";

const enc = (s: string) => new TextEncoder().encode(s.replace(/\n/g, "\r\n"));
const volte = new Uint8Array(readFileSync(join(import.meta.dir, "../../fixtures/sip/volte-video-invite.sip")));
const concat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
};
const OPTIONS = enc("OPTIONS sip:a@b SIP/2.0\nVia: SIP/2.0/TCP h;branch=z9hG4bK1\nTo: <sip:a@b>\nFrom: <sip:c@d>;tag=1\nCall-ID: x\nCSeq: 1 OPTIONS\nContent-Length: 0\n\n");

describe("frameLength", () => {
  test("a complete message, then byte-by-byte arrival", () => {
    expect(frameLength(volte)).toBe(volte.length);
    for (const cut of [0, 1, 100, volte.indexOf(0x0a, 200), 1500, volte.length - 1]) {
      expect(frameLength(volte.subarray(0, cut))).toBe(0);
    }
  });

  test("pipelined messages split exactly", () => {
    const stream = concat(volte, OPTIONS, volte);
    let off = 0;
    const lengths: number[] = [];
    while (off < stream.length) {
      const n = frameLength(stream.subarray(off));
      expect(n).toBeGreaterThan(0);
      expect(() => parseMessage(stream.subarray(off, off + n))).not.toThrow();
      lengths.push(n);
      off += n;
    }
    expect(lengths).toEqual([volte.length, OPTIONS.length, volte.length]);
  });

  test("CRLF keep-alives come back as their own frame, which parses as 'empty'", () => {
    const stream = concat(enc("\n\n"), OPTIONS);
    expect(frameLength(stream)).toBe(4);
    let code = "";
    try {
      parseMessage(stream.subarray(0, 4));
    } catch (err) {
      code = (err as SipParseError).code;
    }
    expect(code).toBe("empty");
    expect(frameLength(stream.subarray(4))).toBe(OPTIONS.length);
  });

  test("compact and folded Content-Length", () => {
    expect(frameLength(enc("OPTIONS sip:a@b SIP/2.0\nl: 3\n\nabc"))).toBe(enc("OPTIONS sip:a@b SIP/2.0\nl: 3\n\nabc").length);
    const folded = enc("OPTIONS sip:a@b SIP/2.0\nContent-Length:\n  3\n\nabcXYZ");
    expect(frameLength(folded)).toBe(folded.length - 3);
  });

  test("missing, bad or conflicting Content-Length is a framing error", () => {
    for (const head of ["", "Content-Length: -1\n", "Content-Length: x\n", "Content-Length: 1\nl: 2\n", "Content-Length: 12345678901\n"]) {
      expect(() => frameLength(enc(`OPTIONS sip:a@b SIP/2.0\n${head}\n`))).toThrow(SipParseError);
    }
  });

  test("maxBytes bounds both an endless header block and a huge declared body", () => {
    const endless = enc("OPTIONS sip:a@b SIP/2.0\nX: " + "a".repeat(70000));
    expect(() => frameLength(endless)).toThrow(SipParseError);
    expect(() => frameLength(enc("OPTIONS sip:a@b SIP/2.0\nContent-Length: 70000\n\n"))).toThrow(SipParseError);
    expect(frameLength(enc("OPTIONS sip:a@b SIP/2.0\nContent-Length: 70000\n\n"), { maxBytes: 100000 })).toBe(0);
  });
});
