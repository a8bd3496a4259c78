/** URI, name-addr, Via and header-list syntax (RFC 3261 §19.1, §20, §25), independent of whole messages. */
import { describe, expect, test } from "bun:test";
import {
  canonicalName,
  formatNameAddr,
  formatUri,
  formatVia,
  parseNameAddr,
  parseUri,
  parseVia,
  SipHeaders,
  SipParseError,
  splitList,
} from "../../../src/sip/message/index.ts";

describe("URIs", () => {
  test("sip URI with user, password, port, params and headers", () => {
    const u = parseUri("sips:alice:secret@Example.COM:5061;transport=TLS;lr;Maddr=239.1.1.1?Subject=hi%20there&Priority=urgent");
    expect(u).toMatchObject({ scheme: "sips", user: "alice", password: "secret", host: "Example.COM", port: 5061 });
    expect([...u.params]).toEqual([["transport", "TLS"], ["lr", null], ["maddr", "239.1.1.1"]]);
    expect([...u.headers]).toEqual([["Subject", "hi there"], ["Priority", "urgent"]]);
  });

  test("escapes round-trip through formatUri", () => {
    const u = parseUri("sip:I%20have%20spaces;x=%3B@example.net;name=v%61lue%25");
    expect(u.user).toBe("I have spaces;x=;");
    expect(u.params.get("name")).toBe("value%");
    const again = parseUri(formatUri(u));
    expect(again).toEqual(u);
    expect(formatUri(u)).toBe("sip:I%20have%20spaces;x=;@example.net;name=value%25");
  });

  test("tel URI and opaque schemes", () => {
    const t = parseUri("tel:+1-201-555-0123;phone-context=example.com");
    expect(t).toMatchObject({ scheme: "tel", user: "+1-201-555-0123", host: "" });
    expect(t.params.get("phone-context")).toBe("example.com");
    expect(formatUri(t)).toBe("tel:+1-201-555-0123;phone-context=example.com");
    const sos = parseUri("urn:service:sos");
    expect(sos).toMatchObject({ scheme: "urn", user: "service:sos" });
    expect(formatUri(sos)).toBe("urn:service:sos");
  });

  const bad = ["sip:", "sip:@host", "sip:user@", "sip:host:", "sip:host:70000", "sip:ho st", "sip:host;;x", "sip:a@b@c",
    "sip:-bad-.com", "nocolon", "sip:user@host%", "sip:%zz@host", "tel:", "tel:+1 2", "1sip:x", "sip:host>", "sip:a\r\n@b"];
  for (const b of bad) test(`rejects ${JSON.stringify(b)}`, () => expect(() => parseUri(b)).toThrow(SipParseError));
});

describe("name-addr / addr-spec", () => {
  test("quoted display name with escapes; tag among header params", () => {
    const v = parseNameAddr('"A \\"quoted\\" \\\\ name" <sip:a@b.example>;tag=xyz;Foo="bar baz"');
    expect(v.displayName).toBe('A "quoted" \\ name');
    expect(v.params.get("tag")).toBe("xyz");
    expect(v.params.get("foo")).toBe('"bar baz"');
    expect(parseNameAddr(formatNameAddr(v))).toEqual(v);
  });

  test("token display names collapse LWS; no display name", () => {
    expect(parseNameAddr("Bob   Smith\t<sip:bob@x.example>").displayName).toBe("Bob Smith");
    expect(parseNameAddr("<sip:bob@x.example>").displayName).toBeNull();
  });

  test("addr-spec: parameters after the URI belong to the header", () => {
    const v = parseNameAddr("sip:bob@x.example;tag=1;lr");
    expect(v.uri.params.size).toBe(0);
    expect([...v.params]).toEqual([["tag", "1"], ["lr", null]]);
  });

  test("a quoted param value may hold < > ; ,", () => {
    const v = parseNameAddr('<sip:a@b>;+sip.instance="<urn:uuid:1;2,3>";reg-id=1');
    expect(v.params.get("+sip.instance")).toBe('"<urn:uuid:1;2,3>"');
    expect(v.params.get("reg-id")).toBe("1");
  });

  test("formatting quotes only when needed", () => {
    const uri = parseUri("sip:a@b.example");
    expect(formatNameAddr({ displayName: "Alice", uri, params: new Map() })).toBe("Alice <sip:a@b.example>");
    expect(formatNameAddr({ displayName: "Doe, John", uri, params: new Map([["tag", "9"]]) })).toBe(
      '"Doe, John" <sip:a@b.example>;tag=9',
    );
  });

  const bad = ['"unterminated <sip:a@b>', "Bell, Alex <sip:a@b>", "< sip:a@b >", "<sip:a@b", "sip:a@b?x=y", "<sip:a@b>;",
    "<sip:a@b>;=x", "<sip:a@b> junk", '"x" sip:a@b', "<sip:a@b>;tag="];
  for (const b of bad) test(`rejects ${JSON.stringify(b)}`, () => expect(() => parseNameAddr(b)).toThrow(SipParseError));
});

describe("Via", () => {
  test("LWS everywhere, several via-parms, rport without value, IPv6 received", () => {
    const [a, b] = parseVia(" SIP / 2.0 / udp  host.example : 5070 ; branch = z9hG4bK1 ; rport , SIP/2.0/TLS [::1];received=[::2]");
    expect(a).toMatchObject({ protocol: "SIP/2.0", transport: "UDP", host: "host.example", port: 5070 });
    expect([...a.params]).toEqual([["branch", "z9hG4bK1"], ["rport", null]]);
    expect(b).toMatchObject({ transport: "TLS", host: "[::1]", port: null });
    expect(b.params.get("received")).toBe("[::2]");
    expect(formatVia(a)).toBe("SIP/2.0/UDP host.example:5070;branch=z9hG4bK1;rport");
    expect(parseVia(formatVia(b))).toEqual([b]);
  });

  const bad = ["", "SIP/2.0/UDP", "SIP/2.0 host", "SIP/2.0/UDP host:port", "SIP/2.0/UDP host;", "SIP/2.0/UDP 192.0.2.15;;,;,,",
    "SIP/2.0/UDPhost", "SIP/2.0/UDP [::1", "SIP/2.0/UDP host;branch=a b"];
  for (const b of bad) test(`rejects ${JSON.stringify(b)}`, () => expect(() => parseVia(b)).toThrow(SipParseError));
});

describe("SipHeaders", () => {
  test("compact forms and case map to canonical names", () => {
    const h = new SipHeaders([["i", "abc"], ["v", "SIP/2.0/UDP h"], ["CALL-id", "x"], ["x-custom", "1"]]);
    expect(h.entries().map(([n]) => n)).toEqual(["Call-ID", "Via", "Call-ID", "x-custom"]);
    expect(h.getAll("call-ID")).toEqual(["abc", "x"]);
    expect(h.get("X-CUSTOM")).toBe("1");
    expect(canonicalName("l")).toBe("Content-Length");
    expect(canonicalName("www-authenticate")).toBe("WWW-Authenticate");
  });

  test("getAll splits list headers only, respecting quotes and <>", () => {
    const h = new SipHeaders([
      ["Contact", '"Doe, J" <sip:a@b;x=1,2>, <sip:c@d>;q=0.5'],
      ["Supported", "100rel, timer"],
      ["Supported", "precondition"],
      ["WWW-Authenticate", 'Digest realm="a", nonce="b"'],
      ["Date", "Sat, 13 Nov 2010 23:29:00 GMT"],
    ]);
    expect(h.getAll("Contact")).toEqual(['"Doe, J" <sip:a@b;x=1,2>', "<sip:c@d>;q=0.5"]);
    expect(h.getAll("Supported")).toEqual(["100rel", "timer", "precondition"]);
    expect(h.getAll("WWW-Authenticate")).toEqual(['Digest realm="a", nonce="b"']);
    expect(h.getAll("Date")).toEqual(["Sat, 13 Nov 2010 23:29:00 GMT"]);
    expect(splitList(' "a,\\"b" , ,c ')).toEqual(['"a,\\"b"', "c"]);
  });

  test("set/append/prepend/delete/clone keep order", () => {
    const h = new SipHeaders([["Via", "v2"], ["To", "t"], ["Via", "v3"]]);
    h.prepend("Via", "v1");
    expect(h.getAll("Via")).toEqual(["v1", "v2", "v3"]);
    h.prepend("Route", "r");
    expect(h.entries()[0]).toEqual(["Route", "r"]);
    const c = h.clone();
    h.set("Via", "only");
    expect(h.getAll("Via")).toEqual(["only"]);
    expect(c.getAll("Via")).toEqual(["v1", "v2", "v3"]);
    h.delete("via");
    expect(h.has("Via")).toBe(false);
    expect(h.count("To")).toBe(1);
  });

  test("header injection through programmatic values is refused", () => {
    const h = new SipHeaders();
    expect(() => h.set("X-A", "ok\r\nVia: evil")).toThrow(TypeError);
    expect(() => h.append("Bad Name", "x")).toThrow(TypeError);
    expect(() => h.prepend("X-A", "a\nb")).toThrow(TypeError);
  });
});
