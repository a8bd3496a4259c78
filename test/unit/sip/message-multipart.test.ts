/** multipart/mixed bodies (RFC 2046 §5.1): SDP + PIDF-LO (RFC 6442) build and parse. */
import { describe, expect, test } from "bun:test";
import { buildMultipart, contentTypeParam, mediaType, parseMultipart, SipParseError } from "../../../src/sip/message/index.ts";

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

describe("multipart", () => {
  test("build -> parse keeps bodies byte-exact, including binary and CRLF-terminated text", () => {
    const sdp = enc("v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\n");
    const bin = new Uint8Array(256).map((_, i) => i);
    const built = buildMultipart([
      { contentType: "application/sdp", body: sdp },
      { contentType: "application/pidf+xml", body: enc("<presence/>"), headers: [["Content-ID", "<loc@host.example>"]] },
      { contentType: "application/octet-stream", body: bin },
    ]);
    expect(mediaType(built.contentType)).toBe("multipart/mixed");
    const parts = parseMultipart(built.contentType, built.body);
    expect(parts.map((p) => p.contentType)).toEqual(["application/sdp", "application/pidf+xml", "application/octet-stream"]);
    expect(parts[0].body).toEqual(sdp);
    expect(parts[1].headers.get("Content-ID")).toBe("<loc@host.example>");
    expect(parts[2].body).toEqual(bin);
  });

  test("quoted boundary, preamble, part without headers defaults to text/plain", () => {
    const ct = 'multipart/mixed; charset=utf-8; boundary="a b;c"';
    expect(contentTypeParam(ct, "boundary")).toBe("a b;c");
    const body = enc("preamble\r\n--a b;c\r\n\r\nplain\r\n--a b;c\r\nContent-Type: application/sdp\r\n\r\nv=0\r\n\r\n--a b;c--\r\nepilogue");
    const parts = parseMultipart(ct, body);
    expect(parts.map((p) => [p.contentType, dec(p.body)])).toEqual([["text/plain", "plain"], ["application/sdp", "v=0\r\n"]]);
  });

  const bad: [string, string, string][] = [
    ["not multipart", "application/sdp", "x"],
    ["no boundary", "multipart/mixed", "--x\r\n\r\n--x--"],
    ["no opening delimiter", "multipart/mixed;boundary=x", "garbage"],
    ["no close delimiter", "multipart/mixed;boundary=x", "--x\r\nContent-Type: a/b\r\n\r\nbody"],
    ["part header without colon", "multipart/mixed;boundary=x", "--x\r\nNoColon\r\n\r\nbody\r\n--x--"],
    ["delimiter glued to text", "multipart/mixed;boundary=x", "--xjunk\r\n\r\nb\r\n--x--"],
  ];
  for (const [what, ct, body] of bad) {
    test(`rejects: ${what}`, () => expect(() => parseMultipart(ct, enc(body))).toThrow(SipParseError));
  }

  test("part count is bounded", () => {
    const many = Array.from({ length: 40 }, () => "--x\r\n\r\np\r\n").join("") + "--x--";
    expect(() => parseMultipart("multipart/mixed;boundary=x", enc(many))).toThrow(SipParseError);
  });
});
