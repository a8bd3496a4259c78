/** Whole-message parsing: framing by Content-Length on datagrams, limits, line ends, start lines, typed errors. */
import { describe, expect, test } from "bun:test";
import { parseMessage, SipParseError, SipRequest, SipResponse } from "../../../src/sip/message/index.ts";
import { crlf, enc, INVITE_HEAD as HEAD } from "./helpers/sip-text.ts";

function failure(data: Uint8Array, limits?: Parameters<typeof parseMessage>[1]): SipParseError {
  try {
    parseMessage(data, limits);
  } catch (err) {
    if (err instanceof SipParseError) return err;
    throw err;
  }
  throw new Error("parsed but should fail");
}

describe("datagram framing by Content-Length", () => {
  test("body = rest of the datagram when Content-Length is absent", () => {
    const m = parseMessage(crlf(HEAD + "\nhello"));
    expect(new TextDecoder().decode(m.body)).toBe("hello");
  });
  test("a shorter Content-Length truncates the body", () => {
    const m = parseMessage(crlf(HEAD + "Content-Length: 3\n\nhello"));
    expect(new TextDecoder().decode(m.body)).toBe("hel");
  });
  test("a longer Content-Length is an answerable error", () => {
    const err = failure(crlf(HEAD + "Content-Length: 6\n\nhello"));
    expect(err.code).toBe("bad-content-length");
    expect(err.request?.method).toBe("INVITE");
  });
  test("negative, non-numeric, overlarge and conflicting Content-Length values are errors", () => {
    for (const v of ["-1", "abc", "99999999999999", "1 2"]) {
      expect(failure(crlf(HEAD + `Content-Length: ${v}\n\nhello`)).code).toBe("bad-content-length");
    }
    expect(failure(crlf(HEAD + "Content-Length: 1\nl: 2\n\nhello")).code).toBe("bad-content-length");
    expect(parseMessage(crlf(HEAD + "Content-Length: 2\nl: 2\n\nhello")).body.length).toBe(2);
  });
  test("the body is a copy, not a view of the receive buffer", () => {
    const data = crlf(HEAD + "Content-Length: 5\n\nhello");
    const m = parseMessage(data);
    data.fill(0);
    expect(new TextDecoder().decode(m.body)).toBe("hello");
  });
});

describe("line ends, folding, keep-alives", () => {
  test("bare LF line ends are tolerated", () => {
    const m = parseMessage(enc(HEAD + "Content-Length: 2\n\nhi")) as SipRequest;
    expect(m.callId).toBe("a84b4c76e66710@pc33.example.com");
    expect(m.body.length).toBe(2);
  });
  test("leading CRLFs before the start line are skipped (RFC 3261 §7.5)", () => {
    expect((parseMessage(crlf("\n\n" + HEAD + "\n")) as SipRequest).method).toBe("INVITE");
  });
  test("only CRLFs is a keep-alive, reported as code 'empty'", () => {
    expect(failure(enc("\r\n\r\n")).code).toBe("empty");
  });
  test("folded header values join with one SP; tabs count as LWS", () => {
    const m = parseMessage(crlf(HEAD + "Subject: first\n\t  second\n   third\n\n"));
    expect(m.headers.get("Subject")).toBe("first second third");
  });
  test("a continuation line before any header is an error", () => {
    expect(failure(crlf("OPTIONS sip:a@b SIP/2.0\n folded\n\n")).code).toBe("bad-header-line");
  });
  test("a header line without colon or with a bad name is an answerable error", () => {
    const err = failure(crlf(HEAD + "NoColonHere\n\n"));
    expect(err.code).toBe("bad-header-line");
    expect(failure(crlf(HEAD + "Bad Name: x\n\n")).code).toBe("bad-header-line");
  });
  test("a missing blank line after the headers is reported", () => {
    expect(failure(crlf(HEAD)).code).toBe("no-end-of-headers");
  });
});

describe("start lines", () => {
  test("response status line with multi-word reason", () => {
    const m = parseMessage(crlf(`SIP/2.0 180 Ringing Now
Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK1
To: <sip:b@x>;tag=2
From: <sip:a@x>;tag=1
Call-ID: c1
CSeq: 1 INVITE

`)) as SipResponse;
    expect(m).toBeInstanceOf(SipResponse);
    expect([m.status, m.reason]).toEqual([180, "Ringing Now"]);
  });
  test("bad status codes and versions are dropped (responses are never answered)", () => {
    for (const line of ["SIP/2.0 99 Low", "SIP/2.0 700 High", "SIP/2.0 2000 X", "SIP/3.0 200 OK", "SIP/2.0  200 OK"]) {
      const err = failure(crlf(`${line}\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\n\n`));
      expect(err.code).toBe("bad-start-line");
      expect(err.request).toBeUndefined();
    }
  });
  test("garbage start lines are not answerable", () => {
    for (const line of ["HELLO", "INVITE sip:a@b HTTP/1.1", "", "GET / HTTP/1.1", "IN VITE sip:a@b SIP/2.0 x"]) {
      expect(failure(crlf(`${line}\nVia: SIP/2.0/UDP h\n\n`)).request).toBeUndefined();
    }
  });
  test("a supported but unusual Request-URI scheme passes (urn:service:sos)", () => {
    const m = parseMessage(crlf(HEAD.replace("sip:bob@example.com SIP", "urn:service:sos SIP") + "\n")) as SipRequest;
    expect(m.uri.scheme).toBe("urn");
  });
});

describe("required headers and single-instance headers", () => {
  for (const name of ["Via", "From", "To", "Call-ID", "CSeq"]) {
    test(`missing ${name}`, () => {
      const text = HEAD.split("\n").filter((l) => !l.startsWith(name + ":")).join("\n") + "\n";
      const err = failure(crlf(text));
      expect(err.code).toBe(`missing-header:${name}`);
      expect(err.request !== undefined).toBe(name !== "Via");
    });
  }
  test("Max-Forwards out of range", () => {
    expect(failure(crlf(HEAD.replace("Max-Forwards: 70", "Max-Forwards: 256") + "\n")).code).toBe("bad-header:Max-Forwards");
  });
  test("CSeq beyond 2^31 and malformed Call-ID", () => {
    expect(failure(crlf(HEAD.replace("314159", "2147483648") + "\n")).code).toBe("bad-header:CSeq");
    expect(failure(crlf(HEAD.replace("a84b4c76e66710@pc33.example.com", "a b") + "\n")).code).toBe("bad-header:Call-ID");
  });
});

describe("limits", () => {
  test("maxBytes", () => {
    const data = crlf(HEAD + "\n" + "x".repeat(2000));
    const err = failure(data, { maxBytes: 1000 });
    expect([err.code, err.status]).toEqual(["too-large", 513]);
  });
  test("maxHeaders", () => {
    const many = Array.from({ length: 20 }, (_, i) => `X-H${i}: ${i}\n`).join("");
    expect(failure(crlf(HEAD + many + "\n"), { maxHeaders: 15 }).code).toBe("too-many-headers");
    expect(() => parseMessage(crlf(HEAD + many + "\n"), { maxHeaders: 40 })).not.toThrow();
  });
  test("maxHeaderLength, also when reached through folding", () => {
    expect(failure(crlf(HEAD + `X-Long: ${"a".repeat(600)}\n\n`), { maxHeaderLength: 512 }).code).toBe("header-too-long");
    const folded = Array.from({ length: 40 }, () => " abcdefghijklmnop").join("\n");
    expect(failure(crlf(HEAD + `X-Folded: x\n${folded}\n\n`), { maxHeaderLength: 512 }).code).toBe("header-too-long");
  });
  test("defaults accept a 64 KiB message and refuse a larger one", () => {
    const ok = crlf(HEAD + "\n");
    const body = new Uint8Array(65535 - ok.length);
    const fits = new Uint8Array(ok.length + body.length);
    fits.set(ok);
    expect(parseMessage(fits).body.length).toBe(body.length);
    const over = new Uint8Array(fits.length + 1);
    over.set(fits);
    expect(failure(over).code).toBe("too-large");
  });
});

describe("accessors and the parsed-value hand-over", () => {
  test("each accessor call returns a fresh object; mutating one never leaks into the next or the headers", () => {
    const m = parseMessage(crlf(HEAD + "\n")) as SipRequest;
    const a = m.from;
    a.params.set("tag", "changed");
    expect(m.from.params.get("tag")).toBe("1928301774");
    expect(m.from).not.toBe(m.from);
    expect(m.headers.get("From")).toBe("Alice <sip:alice@example.com>;tag=1928301774");
  });
  test("a header changed after parsing is re-parsed, not served from the parse-time value", () => {
    const m = parseMessage(crlf(HEAD + "\n")) as SipRequest;
    m.headers.set("To", "<sip:carol@example.com>;tag=9");
    m.headers.set("Via", "SIP/2.0/TCP new.example;branch=z9hG4bKnew");
    expect(m.to.params.get("tag")).toBe("9");
    expect(m.topVia.host).toBe("new.example");
  });
  test("the Request-URI: received text is reused, but edits through uri or a new uri are serialized", () => {
    const raw = crlf(HEAD.replace("sip:bob@example.com SIP", "sip:bob@EXAMPLE.com;Transport=udp SIP") + "\n");
    const m = parseMessage(raw) as SipRequest;
    expect(m.toString()).toStartWith("INVITE sip:bob@EXAMPLE.com;Transport=udp SIP/2.0\r\n");
    m.uri.params.set("lr", null);
    expect(m.toString()).toStartWith("INVITE sip:bob@EXAMPLE.com;transport=udp;lr SIP/2.0\r\n");
    m.uri = { ...m.uri, host: "carol.example", params: new Map() };
    expect(m.toString()).toStartWith("INVITE sip:bob@carol.example SIP/2.0\r\n");
  });
});
