/** RFC 4475 torture messages: valid ones parse to the right values, invalid ones are rejected as the RFC says. */
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  createResponse,
  parseMessage,
  parseMultipart,
  SipParseError,
  SipRequest,
  SipResponse,
} from "../../../src/sip/message/index.ts";

const DIR = join(import.meta.dir, "../../fixtures/sip/rfc4475");
interface Meta {
  section: string;
  title: string;
  expect: "valid" | "reject" | "discard" | "higher-layer";
  answer?: number | null;
}
const index = JSON.parse(readFileSync(join(DIR, "index.json"), "utf8")) as { messages: Record<string, Meta> };

function load(name: string): Uint8Array {
  return new Uint8Array(readFileSync(join(DIR, `${name}.sip`)));
}
function req(name: string): SipRequest {
  const m = parseMessage(load(name));
  if (!(m instanceof SipRequest)) throw new Error(`${name} is not a request`);
  return m;
}
function res(name: string): SipResponse {
  const m = parseMessage(load(name));
  if (!(m instanceof SipResponse)) throw new Error(`${name} is not a response`);
  return m;
}
function parseFailure(name: string): SipParseError {
  try {
    parseMessage(load(name));
  } catch (err) {
    if (err instanceof SipParseError) return err;
    throw err;
  }
  throw new Error(`${name} parsed but must be rejected`);
}
const text = (b: Uint8Array) => new TextDecoder().decode(b);

describe("RFC 4475 expectations from the fixture index", () => {
  for (const [name, meta] of Object.entries(index.messages)) {
    test(`${name} (§${meta.section} ${meta.title}): ${meta.expect}`, () => {
      if (meta.expect === "valid" || meta.expect === "higher-layer") {
        expect(() => parseMessage(load(name))).not.toThrow();
        return;
      }
      const err = parseFailure(name);
      expect(err.code).not.toBe("internal");
      if (meta.expect === "discard") {
        expect(err.request).toBeUndefined();
        return;
      }
      expect(err.request).toBeInstanceOf(SipRequest);
      expect(err.status).toBe(meta.answer!);
      // the answer must be buildable and carry the request's Via(s) verbatim
      const answer = createResponse(err.request!, err.status, err.reason);
      expect(answer.status).toBe(meta.answer!);
      expect(answer.headers.getAll("Via")).toEqual(err.request!.headers.getAll("Via"));
    });
  }
});

describe("RFC 4475 valid messages parse to the right values", () => {
  test("wsinv: folding, compact forms, odd LWS, escaped display names, unusual Via params", () => {
    const m = req("wsinv");
    expect(m.method).toBe("INVITE");
    expect(m.uri.user).toBe("vivekg");
    expect(m.uri.host).toBe("chair-dnrc.example.com");
    expect(m.uri.params.get("unknownparam")).toBeNull();
    expect(m.to.uri.host).toBe("chair-dnrc.example.com");
    expect(m.to.params.get("tag")).toBe("1918181833n");
    expect(m.from.displayName).toBe('J Rosenberg \\"');
    expect(m.from.params.get("tag")).toBe("98asjd8");
    expect(m.maxForwards).toBe(68);
    expect(m.callId).toBe("wsinv.ndaksdj@192.0.2.1");
    expect(m.cseq).toEqual({ seq: 9, method: "INVITE" });
    const vias = m.vias;
    expect(vias.map((v) => [v.transport, v.host, v.params.get("branch")])).toEqual([
      ["UDP", "192.0.2.2", "390skdjuw"],
      ["TCP", "spindle.example.com", "z9hG4bK9ikj8"],
      ["UDP", "192.168.255.111", "z9hG4bK30239"],
    ]);
    expect(vias.every((v) => v.protocol === "SIP/2.0")).toBe(true);
    expect(m.headers.get("Subject")).toBe("");
    expect(m.headers.get("NewFangledHeader")).toBe("newfangled value continued newfangled value");
    expect(m.headers.get("UnknownHeaderWithUnusualValue")).toBe(";;,,;;,;");
    expect(m.headers.get("Content-Type")).toBe("application/sdp");
    const route = m.headers.getAll("Route");
    expect(route).toEqual(["<sip:services.example.com;lr;unknownwith=value;unknown-no-value>"]);
    const [contact] = m.contact;
    expect(contact.displayName).toBe('Quoted string ""');
    expect(contact.uri.user).toBe("jdrosen");
    expect([...contact.params]).toEqual([["newparam", "newvalue"], ["secondparam", null], ["q", "0.33"]]);
    expect(m.body.length).toBe(150);
    expect(text(m.body)).toStartWith("v=0\r\n");
  });

  test("intmeth: unusual token characters in method, URI user/password, params and header names", () => {
    const m = req("intmeth");
    expect(m.method).toBe("!interesting-Method0123456789_*+`.%indeed'~");
    expect(m.cseq).toEqual({ seq: 139122385, method: m.method });
    expect(m.uri.user).toBe("1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*");
    expect(m.uri.password).toBe("&it+has=1,weird!*pas$wo~d_too.(doesn't-it)");
    expect(m.uri.host).toBe("example.com");
    expect(m.topVia.params.get("branch")).toBe("z9hG4bK-.!%66*_+`'~");
    expect(m.to.displayName).toBe("BEL:\x07 NUL:\x00 DEL:\x7f");
    expect(m.from.displayName).toBe("token1~` token2'+_ token3*%!.-");
    expect(m.from.params.get("fromparam''~+*_!.-%")).toBe('"работающий"');
    expect(m.from.params.get("tag")).toBe("_token~1'+`*%!-.");
    expect(m.callId).toBe("intmeth.word%ZK-!.*_+'@word`~)(><:\\/\"][?}{");
    expect(m.maxForwards).toBe(255);
    expect(m.headers.get("extensionHeader-!.%*+_`'~")).toBe("\ufeff大停電");
    // the quoted-pair NUL survives into an answer and back
    const answer = parseMessage(createResponse(m, 200).serialize());
    expect(answer.to.displayName).toBe("BEL:\x07 NUL:\x00 DEL:\x7f");
  });

  test("esc01: %-escapes resolve in user parts and URI parameters", () => {
    const m = req("esc01");
    expect(m.uri.user).toBe("sips:user@example.com");
    expect(m.uri.host).toBe("example.net");
    expect(m.to.uri.user).toBe("user");
    expect(m.from.uri.user).toBe("I have spaces");
    expect(m.callId).toBe("esc01.239409asdfakjkn23onasd0-3234");
    expect(m.headers.get("Content-Type")).toBe("application/sdp");
    const [c] = m.contact;
    expect(c.uri.user).toBe("caller");
    expect(c.uri.params.get("lr")).toBeNull();
    expect(c.uri.params.get("name")).toBe("value%41");
  });

  test("escnull: %00 in user parts is data, not a terminator", () => {
    const m = req("escnull");
    expect(m.to.uri.user).toBe("null-\0-null");
    expect(m.contact.map((c) => c.uri.user)).toEqual(["\0", "\0\0"]);
    expect(m.body.length).toBe(0);
  });

  test("esc02: % outside URIs is a literal character", () => {
    const m = req("esc02");
    expect(m.method).toBe("RE%47IST%45R");
    expect(m.to.displayName).toBe("%Z%45");
    expect(m.topVia.params.get("branch")).toBe("z9hG4bK209%fzsnel234");
    expect(m.contact.map((c) => c.uri.user)).toEqual(["alias1", "alias3"]);
    expect(m.headers.get("C%6Fntact")).toBe("<sip:alias2@host2.example.com>");
  });

  test("lwsdisp: display name directly followed by <", () => {
    const m = req("lwsdisp");
    expect(m.from.displayName).toBe("caller");
    expect(m.from.uri.user).toBe("caller");
    expect(m.from.params.get("tag")).toBe("323");
  });

  test("longreq: long values and 34 Vias in every case spelling", () => {
    const m = req("longreq");
    expect(m.to.displayName).toBe(`I have a user name of ${"extreme".repeat(10)} proportion`);
    expect(m.to.uri.port).toBe(6000);
    expect(m.to.uri.params.get(`longparam${"name".repeat(25)}`)).toBe("shortvalue");
    expect(m.from.params.get("tag")).toBe(`12${"982".repeat(50)}424`);
    expect(m.callId).toBe(`longreq.one${"really".repeat(20)}longcallid`);
    const vias = m.vias;
    expect(vias.length).toBe(34);
    expect(vias[0].host).toBe("sip33.example.com");
    expect(vias[33].params.get("branch")).toBe(`very${"long".repeat(50)}branchvalue`);
    expect(m.headers.get(`Unknown-${"Long".repeat(20)}-Name`)).toStartWith("unknown-long");
    expect(m.body.length).toBe(150);
  });

  test("dblreq: octets after Content-Length in a datagram are ignored", () => {
    const m = req("dblreq");
    expect(m.method).toBe("REGISTER");
    expect(m.callId).toBe("dblreq.0ha0isndaksdj99sdfafnl3lk233412");
    expect(m.body.length).toBe(0);
  });

  test("semiuri: ';' inside the user part stays in the user", () => {
    const m = req("semiuri");
    expect(m.uri.user).toBe("user;par=u@example.net");
    expect(m.uri.host).toBe("example.com");
    expect(m.uri.params.size).toBe(0);
    expect(m.headers.getAll("Accept")).toEqual([
      "application/sdp", "application/pkcs7-mime", "multipart/mixed", "multipart/signed", "message/sip", "message/sipfrag",
    ]);
  });

  test("transports: unknown transports are kept", () => {
    const m = req("transports");
    expect(m.vias.map((v) => v.transport)).toEqual(["UDP", "SCTP", "TLS", "UNKNOWN", "TCP"]);
    expect(m.callId).toBe("transports.kijh4akdnaqjkwendsasfdj");
  });

  test("mpart01: multipart/mixed body splits into its parts, binary intact", () => {
    const m = req("mpart01");
    expect(m.body.length).toBe(553);
    const parts = parseMultipart(m.headers.get("Content-Type")!, m.body);
    expect(parts.map((p) => p.contentType)).toEqual(["text/plain", "application/octet-stream"]);
    expect(text(parts[0].body)).toBe("Hello");
    expect(parts[1].headers.get("Content-Transfer-Encoding")).toBe("binary");
    expect(parts[1].body[0]).toBe(11);
    expect(parts[1].body.length).toBe(342);
  });

  test("unreason: UTF-8 reason phrase", () => {
    const m = res("unreason");
    expect(m.status).toBe(200);
    expect(m.reason).toBe("= 2**3 * 5**2 но сто девяносто девять - простое");
    expect(m.body.length).toBe(154);
  });

  test("noreason: empty reason phrase", () => {
    const m = res("noreason");
    expect(m.status).toBe(100);
    expect(m.reason).toBe("");
  });

  test("cparam01 vs cparam02: header parameter vs URI parameter", () => {
    const [c1] = req("cparam01").contact;
    expect(c1.params.get("unknownparam")).toBeNull();
    expect(c1.uri.params.has("unknownparam")).toBe(false);
    const [c2] = req("cparam02").contact;
    expect(c2.uri.params.get("unknownparam")).toBeNull();
    expect(c2.params.has("unknownparam")).toBe(false);
  });

  test("regescrt: escaped headers in a Contact URI are unescaped", () => {
    const [c] = req("regescrt").contact;
    expect(c.uri.headers.get("Route")).toBe("<sip:sip.example.com>");
  });

  test("inv2543: RFC 2543 request without Content-Length takes the rest of the datagram", () => {
    const m = req("inv2543");
    expect(m.maxForwards).toBeNull();
    expect(m.topVia.params.has("branch")).toBe(false);
    expect(text(m.body)).toEndWith("m=audio 49217 RTP/AVP 0\r\n");
  });

  test("unksm2: unknown schemes in To/From/Contact stay opaque", () => {
    const m = req("unksm2");
    expect(m.to.uri.scheme).toBe("isbn");
    expect(m.to.uri.user).toBe("2983792873");
    expect(m.from.uri.scheme).toBe("http");
    expect(m.contact[0].uri.scheme).toBe("name");
  });

  test("bcast and zeromf parse; their handling belongs to higher layers", () => {
    expect(res("bcast").vias[1].host).toBe("255.255.255.255");
    expect(req("zeromf").maxForwards).toBe(0);
    expect(req("bext01").headers.getAll("Require")).toEqual(["nothingSupportsThis", "nothingSupportsThisEither"]);
  });
});

describe("RFC 4475 invalid messages fail for the right reason", () => {
  const codes: Record<string, string> = {
    badinv01: "bad-header:Via",
    clerr: "bad-content-length",
    ncl: "bad-content-length",
    scalar02: "bad-header:CSeq",
    scalarlg: "bad-header:CSeq",
    quotbal: "bad-header:To",
    ltgtruri: "bad-request-uri",
    lwsruri: "bad-start-line",
    lwsstart: "bad-start-line",
    trws: "bad-start-line",
    escruri: "bad-request-uri",
    regbadct: "bad-header:Contact",
    badaspec: "bad-header:To",
    baddn: "bad-header:From",
    badvers: "bad-version",
    mismk01: "bad-header:CSeq",
    mismk02: "bad-header:CSeq",
    bigcode: "bad-start-line",
    insuf: "missing-header:From",
    unkscm: "unsupported-uri-scheme",
    novelsc: "unsupported-uri-scheme",
    multi01: "bad-header:From",
    mcl01: "bad-content-length",
  };
  for (const [name, code] of Object.entries(codes)) {
    test(`${name} -> ${code}`, () => expect(parseFailure(name).code).toBe(code));
  }

  test("a 400 answer carries the reason and copies Via/From/To/Call-ID/CSeq", () => {
    const err = parseFailure("mismk01");
    const answer = createResponse(err.request!, err.status, err.reason);
    expect(answer.reason).toBe("Bad Request (bad-header:CSeq)");
    expect(answer.callId).toBe("mismatch01.dj0234sxdfl3");
    expect(answer.headers.get("CSeq")).toBe("8 INVITE");
    expect(answer.topVia.params.get("branch")).toBe("z9hG4bKkdjuw");
  });
});
