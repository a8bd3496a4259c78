/**
 * serialize() re-sends the received bytes of an untouched message, and only while they are exactly what it
 * would write from the parsed values: every edit, and every input not already in normal form, gets the
 * normal form built from the values.
 */
import { describe, expect, test } from "bun:test";
import { parseMessage, SipMessage, SipRequest, SipResponse } from "../../../src/sip/message/index.ts";
import { crlf, enc, INVITE_HEAD as HEAD } from "./helpers/sip-text.ts";

const text = (b: Uint8Array) => new TextDecoder().decode(b);
const INVITE = crlf(HEAD + "Content-Type: application/sdp\nContent-Length: 5\n\nv=0\n");
const OK = crlf(
  "SIP/2.0 200 OK\nVia: SIP/2.0/UDP h;branch=z9hG4bKx\nTo: <sip:b@x>;tag=2\nFrom: <sip:a@x>;tag=1\nCall-ID: c\nCSeq: 2 BYE\nContent-Length: 0\n\n",
);

/** What serialize() writes for these values when no received bytes are at hand: a message built from them. */
function normalForm(m: SipMessage): string {
  const built =
    m instanceof SipRequest
      ? new SipRequest(m.method, m.uri, m.headers.clone(), m.body)
      : new SipResponse((m as SipResponse).status, (m as SipResponse).reason, m.headers.clone(), m.body);
  return text(built.serialize());
}

function request(bytes: Uint8Array = INVITE): SipRequest {
  const m = parseMessage(bytes);
  if (!(m instanceof SipRequest)) throw new Error("not a request");
  return m;
}

describe("an untouched message", () => {
  test("serializes to the received bytes, as a fresh array each call", () => {
    const m = request();
    const first = m.serialize();
    expect(first).toEqual(INVITE);
    first.fill(0);
    expect(m.serialize()).toEqual(INVITE);
  });

  test("does not depend on the receive buffer, which the transport may reuse", () => {
    const data = INVITE.slice();
    const m = request(data);
    data.fill(0x41);
    expect(m.serialize()).toEqual(INVITE);
  });

  test("received in a Buffer that views a larger receive buffer: body and bytes are copies", () => {
    const pool = Buffer.alloc(INVITE.length + 200, 0x7e);
    pool.set(INVITE, 100);
    const m = request(pool.subarray(100, 100 + INVITE.length));
    pool.fill(0x41);
    expect(text(m.body)).toBe("v=0\r\n");
    expect(m.serialize()).toEqual(INVITE);
  });

  test("leaves out CRLF keep-alive bytes that came before the start line", () => {
    const withLead = new Uint8Array([0x0d, 0x0a, ...INVITE]);
    expect(request(withLead).serialize()).toEqual(INVITE);
  });
});

describe("edits after parsing are serialized", () => {
  const edits: [string, (m: SipRequest) => void, (wire: string) => void][] = [
    ["headers.set", (m) => m.headers.set("Max-Forwards", "69"), (w) => expect(w).toContain("\r\nMax-Forwards: 69\r\n")],
    ["headers.append", (m) => m.headers.append("Subject", "hi"), (w) => expect(w).toContain("\r\nSubject: hi\r\n")],
    ["headers.prepend", (m) => m.headers.prepend("Via", "SIP/2.0/UDP p.example;branch=z9hG4bKp"), (w) => expect(w).toContain("Via: SIP/2.0/UDP p.example")],
    ["headers.delete", (m) => m.headers.delete("Contact"), (w) => expect(w).not.toContain("Contact:")],
    ["a new headers object", (m) => (m.headers = m.headers.clone()), (w) => expect(w).toStartWith("INVITE sip:bob@example.com SIP/2.0\r\n")],
    ["method", (m) => (m.method = "OPTIONS"), (w) => expect(w).toStartWith("OPTIONS sip:bob@example.com SIP/2.0\r\n")],
    ["Request-URI edited in place", (m) => m.uri.params.set("lr", null), (w) => expect(w).toStartWith("INVITE sip:bob@example.com;lr SIP/2.0\r\n")],
    ["a new body of the same length", (m) => (m.body = enc("v=1\r\n")), (w) => expect(w).toEndWith("Content-Length: 5\r\n\r\nv=1\r\n")],
    ["a longer body", (m) => (m.body = enc("v=0\r\ns=-\r\n")), (w) => expect(w).toEndWith("Content-Length: 10\r\n\r\nv=0\r\ns=-\r\n")],
    ["the body changed in place", (m) => m.body.set(enc("1"), 2), (w) => expect(w).toEndWith("Content-Length: 5\r\n\r\nv=1\r\n")],
  ];
  for (const [what, edit, check] of edits) {
    test(what, () => {
      const m = request();
      edit(m);
      const wire = text(m.serialize());
      check(wire);
      expect(wire).toBe(normalForm(m));
    });
  }

  test("response status and reason", () => {
    const m = parseMessage(OK) as SipResponse;
    expect(m.serialize()).toEqual(OK);
    m.status = 202;
    m.reason = "Accepted";
    expect(text(m.serialize())).toStartWith("SIP/2.0 202 Accepted\r\n");
  });
});

describe("input not in normal form is serialized in normal form", () => {
  const variants: [string, Uint8Array][] = [
    ["compact header names", crlf(HEAD.replace("Call-ID:", "i:").replace("To:", "t:") + "Content-Length: 0\n\n")],
    ["other case in a header name", crlf(HEAD.replace("Call-ID:", "call-id:") + "Content-Length: 0\n\n")],
    ["folded header value", crlf(HEAD + "Subject: one\n two\nContent-Length: 0\n\n")],
    ["space before the colon", crlf(HEAD.replace("Max-Forwards:", "Max-Forwards :") + "Content-Length: 0\n\n")],
    ["no space after the colon", crlf(HEAD.replace("Max-Forwards: ", "Max-Forwards:") + "Content-Length: 0\n\n")],
    ["two spaces after the colon", crlf(HEAD.replace("Max-Forwards: ", "Max-Forwards:  ") + "Content-Length: 0\n\n")],
    ["trailing whitespace", crlf(HEAD.replace("Max-Forwards: 70", "Max-Forwards: 70 ") + "Content-Length: 0\n\n")],
    ["an empty value", crlf(HEAD + "Subject:\nContent-Length: 0\n\n")],
    ["bare LF line ends", enc(HEAD + "Content-Length: 0\n\n")],
    ["a CR before the CRLFCRLF ending the head", new Uint8Array([...crlf(HEAD), ...enc("Content-Length: 0\r\r\n\r\n")])],
    ["no Content-Length", crlf(HEAD + "\n")],
    ["Content-Length with a leading zero", crlf(HEAD + "Content-Length: 03\n\nabc")],
    ["two Content-Length lines", crlf(HEAD + "Content-Length: 3\nl: 3\n\nabc")],
    ["bytes after the body", crlf(HEAD + "Content-Length: 3\n\nabcdef")],
    ["lowercase SIP version", crlf(HEAD.replace("SIP/2.0\n", "sip/2.0\n") + "Content-Length: 0\n\n")],
    ["a header value that is not UTF-8", new Uint8Array([...crlf(HEAD + "Subject: "), 0xff, ...crlf("\nContent-Length: 0\n\n")])],
  ];
  for (const [what, bytes] of variants) {
    test(what, () => {
      const m = request(bytes);
      const wire = m.serialize();
      expect(wire).not.toEqual(bytes);
      expect(text(wire)).toBe(normalForm(m));
      expect(parseMessage(wire).serialize()).toEqual(wire);
    });
  }

  test("a status line without a reason phrase", () => {
    const m = parseMessage(crlf("SIP/2.0 100\nVia: SIP/2.0/UDP h;branch=z9hG4bKx\nTo: <sip:b@x>\nFrom: <sip:a@x>;tag=1\nCall-ID: c\nCSeq: 2 INVITE\nContent-Length: 0\n\n"));
    expect(text(m.serialize())).toStartWith("SIP/2.0 100 \r\n");
  });
});
