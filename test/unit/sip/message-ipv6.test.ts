/** RFC 5118 IPv6 torture messages, plus the IPv6 address grammar they rely on. */
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { isIpv6, parseMessage, parseMultipart, parseUri, SipParseError, SipRequest } from "../../../src/sip/message/index.ts";

const DIR = join(import.meta.dir, "../../fixtures/sip/rfc5118");
const index = JSON.parse(readFileSync(join(DIR, "index.json"), "utf8")) as {
  messages: Record<string, { section: string; expect: "valid" | "reject"; answer?: number }>;
};
const load = (name: string) => new Uint8Array(readFileSync(join(DIR, `${name}.sip`)));
function req(name: string): SipRequest {
  const m = parseMessage(load(name));
  if (!(m instanceof SipRequest)) throw new Error("not a request");
  return m;
}

describe("RFC 5118 expectations from the fixture index", () => {
  for (const [name, meta] of Object.entries(index.messages)) {
    test(`${name} (§${meta.section}): ${meta.expect}`, () => {
      if (meta.expect === "valid") {
        expect(() => parseMessage(load(name))).not.toThrow();
        return;
      }
      let err: unknown;
      try {
        parseMessage(load(name));
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(SipParseError);
      expect((err as SipParseError).status).toBe(meta.answer!);
      expect((err as SipParseError).request).toBeInstanceOf(SipRequest);
    });
  }
});

describe("RFC 5118 values", () => {
  test("ipv6-good: bracketed references in Request-URI, Via and Contact", () => {
    const m = req("ipv6-good");
    expect(m.uri.host).toBe("[2001:db8::10]");
    expect(m.uri.port).toBeNull();
    expect(m.topVia.host).toBe("[2001:db8::9:1]");
    expect(m.contact[0].uri.host).toBe("[2001:db8::1]");
  });

  test("ipv6-bad: an unbracketed IPv6 Request-URI is answered 400", () => {
    let err: SipParseError | undefined;
    try {
      parseMessage(load("ipv6-bad"));
    } catch (e) {
      err = e as SipParseError;
    }
    expect(err?.code).toBe("bad-request-uri");
  });

  test("port-ambiguous: [2001:db8::10:5070] is an address with no port", () => {
    const m = req("port-ambiguous");
    expect(m.uri.host).toBe("[2001:db8::10:5070]");
    expect(m.uri.port).toBeNull();
  });

  test("port-unambiguous: [2001:db8::10]:5070 carries port 5070", () => {
    const m = req("port-unambiguous");
    expect(m.uri.host).toBe("[2001:db8::10]");
    expect(m.uri.port).toBe(5070);
  });

  test("Via received with and without brackets", () => {
    expect(req("via-received-param-with-delim").topVia.params.get("received")).toBe("[2001:db8::9:255]");
    expect(req("via-received-param-no-delim").topVia.params.get("received")).toBe("2001:db8::9:255");
  });

  test("mult-ip-in-header: IPv6 and IPv4 Vias with ports and received", () => {
    const vias = req("mult-ip-in-header").vias;
    expect(vias.map((v) => [v.host, v.port])).toEqual([
      ["[2001:db8::9:1]", 6050],
      ["192.0.2.1", null],
      ["[2001:db8::9:255]", null],
    ]);
    expect(vias[2].params.get("received")).toBe("192.0.2.200");
  });

  test("ipv4-mapped-ipv6: ::ffff:a.b.c.d in Via with port and in Contact; SDP body intact", () => {
    const m = req("ipv4-mapped-ipv6");
    expect(m.vias.map((v) => [v.host, v.port])).toEqual([
      ["[::ffff:192.0.2.10]", 19823],
      ["[::ffff:192.0.2.2]", null],
    ]);
    expect(m.contact[0].uri.host).toBe("[::ffff:192.0.2.2]");
    expect(new TextDecoder().decode(m.body)).toContain("c=IN IP6 ::ffff:192.0.2.2");
    expect(m.body.length).toBe(Number(m.headers.get("Content-Length")));
  });

  test("ipv6-bug-abnf: the three-colon form is tolerated, the two-colon form is plain", () => {
    expect(req("ipv6-bug-abnf-3-colons").uri.host).toBe("[2001:db8:::192.0.2.1]");
    expect(req("ipv6-correct-abnf-2-colons").uri.host).toBe("[2001:db8::192.0.2.1]");
  });

  test("SDP bodies with IPv6 connection lines come through unchanged", () => {
    expect(new TextDecoder().decode(req("mult-ip-in-sdp").body)).toContain("c=IN IP6 2001:db8::1\r\n");
    expect(() => parseMultipart("application/sdp", req("ipv6-in-sdp").body)).toThrow(SipParseError);
  });
});

describe("IPv6 address grammar", () => {
  const good = ["::", "::1", "2001:db8::10", "2001:db8::10:5070", "fe80::1", "1:2:3:4:5:6:7:8", "::ffff:192.0.2.1",
    "0:0:0:0:0:FFFF:129.144.52.38", "1:2:3:4:5:6:192.0.2.1", "2001:db8:::192.0.2.1", "1::"];
  const bad = ["", ":", ":::", "1:2:3:4:5:6:7:8:9", "1::2::3", "12345::", "g::1", "1:2:3:4:5:6:7", "2001:db8:::10",
    "::ffff:192.0.2", "::ffff:256.0.0.1", "1:", ":1", "2001:db8::10]"];
  for (const a of good) test(`accepts ${a}`, () => expect(isIpv6(a)).toBe(true));
  for (const a of bad) test(`rejects ${JSON.stringify(a)}`, () => expect(isIpv6(a)).toBe(false));
  test("a URI with a malformed IPv6 reference is rejected", () => {
    expect(() => parseUri("sip:[2001:db8::10")).toThrow(SipParseError);
    expect(() => parseUri("sip:[2001::db8::10]")).toThrow(SipParseError);
    expect(() => parseUri("sip:[::1]:99999")).toThrow(SipParseError);
  });
});
