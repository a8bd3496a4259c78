import { describe, expect, test } from "bun:test";
import { DigestAuthenticator, digestResponse, parseChallenges, AuthHeaderError } from "../../../src/sip/auth/index.ts";

const RFC7616 = {
  username: "Mufasa", password: "Circle of Life", realm: "http-auth@example.org",
  nonce: "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque: "FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS",
  cnonce: "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ", uri: "/dir/index.html",
};

function paramsOf(header: string): Map<string, string> {
  return parseChallenges(header)[0].params;
}

describe("digest response vectors", () => {
  test("RFC 7616 §3.9.1 MD5 and SHA-256", () => {
    const base = { ...RFC7616, method: "GET", qop: "auth" as const, nc: "00000001" };
    expect(digestResponse({ ...base, algorithm: "MD5" })).toBe("8ca523f5e9506fed4657c9700eebdbec");
    expect(digestResponse({ ...base, algorithm: "SHA-256" }))
      .toBe("753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1");
  });

  test("RFC 2617 §3.5 MD5 qop=auth", () => {
    expect(digestResponse({
      algorithm: "MD5", username: "Mufasa", password: "Circle Of Life", realm: "testrealm@host.com",
      nonce: "dcd98b7102dd2f0e8b11d0f600bfb0c093", method: "GET", uri: "/dir/index.html",
      qop: "auth", nc: "00000001", cnonce: "0a4f113b",
    })).toBe("6629fae49393a05397450978507c4ef1");
  });

  test("RFC 2069 mode (no qop) and MD5-sess differ from plain MD5", () => {
    const base = { ...RFC7616, method: "GET", algorithm: "MD5" as const };
    const plain = digestResponse(base);
    expect(plain).toMatch(/^[0-9a-f]{32}$/);
    expect(digestResponse({ ...base, algorithm: "MD5-sess", cnonce: "x" })).not.toBe(plain);
  });
});

describe("challenge parsing", () => {
  test("quoted strings with escapes and commas, several challenges in one value", () => {
    const cs = parseChallenges('Digest realm="a\\"b, c", nonce="n1", qop="auth,auth-int", Digest realm="r2", nonce=n2, algorithm=SHA-256');
    expect(cs.length).toBe(2);
    expect(cs[0].params.get("realm")).toBe('a"b, c');
    expect(cs[0].params.get("qop")).toBe("auth,auth-int");
    expect(cs[1].params.get("algorithm")).toBe("SHA-256");
    expect(cs[1].params.get("nonce")).toBe("n2");
  });

  test("malformed values throw a typed error", () => {
    expect(() => parseChallenges('Digest realm="unterminated')).toThrow(AuthHeaderError);
    expect(() => parseChallenges("realm=x")).toThrow(AuthHeaderError);
    expect(() => parseChallenges("Digest realm=x, @")).toThrow(AuthHeaderError);
  });
});

describe("DigestAuthenticator as UAC", () => {
  const request = { method: "INVITE", uri: "sip:bob@127.0.0.1" };
  const cnonces = () => { let i = 0; return () => `cn${++i}`; };

  test("answers 401 with Authorization, reproducing the RFC 7616 SHA-256 vector", () => {
    const auth = new DigestAuthenticator({ username: "Mufasa", password: "Circle of Life" }, () => RFC7616.cnonce);
    const challenge = `Digest realm="${RFC7616.realm}", qop="auth, auth-int", algorithm=SHA-256, nonce="${RFC7616.nonce}", opaque="${RFC7616.opaque}"`;
    const out = auth.respond(401, [challenge], { method: "GET", uri: RFC7616.uri })!;
    expect(out.length).toBe(1);
    expect(out[0].name).toBe("Authorization");
    const p = paramsOf(out[0].value);
    expect(p.get("response")).toBe("753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1");
    expect(p.get("nc")).toBe("00000001");
    expect(p.get("qop")).toBe("auth");
    expect(p.get("algorithm")).toBe("SHA-256");
    expect(p.get("opaque")).toBe(RFC7616.opaque);
    expect(out[0].value).toContain("qop=auth,");            // tokens unquoted
    expect(out[0].value).toContain(`uri="${RFC7616.uri}"`); // strings quoted
  });

  test("407 gives Proxy-Authorization; the strongest algorithm of a realm wins", () => {
    const auth = new DigestAuthenticator({ username: "u", password: "p" }, cnonces());
    const out = auth.respond(407, [
      'Digest realm="r", nonce="n", algorithm=MD5, qop="auth"',
      'Digest realm="r", nonce="n", algorithm=SHA-256, qop="auth"',
      'Digest realm="r", nonce="n", algorithm=UNKNOWN-ALG, qop="auth"',
    ], request)!;
    expect(out.length).toBe(1);
    expect(out[0].name).toBe("Proxy-Authorization");
    expect(paramsOf(out[0].value).get("algorithm")).toBe("SHA-256");
  });

  test("absent algorithm means MD5 and is not echoed; absent qop uses RFC 2069 form", () => {
    const auth = new DigestAuthenticator({ username: "u", password: "p" }, cnonces());
    const out = auth.respond(401, ['Digest realm="r", nonce="n"'], request)!;
    const p = paramsOf(out[0].value);
    expect(p.has("algorithm")).toBe(false);
    expect(p.has("qop")).toBe(false);
    expect(p.has("nc")).toBe(false);
    expect(p.get("response")).toBe(digestResponse({ algorithm: "MD5", username: "u", password: "p", realm: "r", nonce: "n", ...request }));
  });

  test("gives up when the same realm challenges again without stale, retries when stale=true", () => {
    const auth = new DigestAuthenticator({ username: "u", password: "p" }, cnonces());
    const first = auth.respond(401, ['Digest realm="r", nonce="n1", qop="auth"'], request)!;
    expect(auth.respond(401, ['Digest realm="r", nonce="n2", qop="auth"'], request, first)).toBeNull();
    const again = auth.respond(401, ['Digest realm="r", nonce="n2", qop="auth", stale=TRUE'], request, first)!;
    expect(paramsOf(again[0].value).get("nonce")).toBe("n2");
    expect(paramsOf(again[0].value).get("nc")).toBe("00000001");
  });

  test("pre-emptive authorize reuses the nonce with incrementing nc", () => {
    const auth = new DigestAuthenticator({ username: "u", password: "p" }, cnonces());
    auth.respond(401, ['Digest realm="r", nonce="n1", qop="auth"'], request);
    const bye = auth.authorize({ method: "BYE", uri: "sip:bob@127.0.0.1" });
    expect(paramsOf(bye[0].value).get("nc")).toBe("00000002");
    expect(paramsOf(bye[0].value).get("cnonce")).toBe("cn2");
  });

  test("ignores foreign realms, non-digest schemes and unusable challenges", () => {
    const auth = new DigestAuthenticator({ username: "u", password: "p", realm: "mine" }, cnonces());
    expect(auth.respond(401, ['Digest realm="other", nonce="n"'], request)).toBeNull();
    expect(auth.respond(401, ['Basic realm="mine"'], request)).toBeNull();
    expect(auth.respond(401, ['Digest realm="mine", nonce="n", qop="auth-conf"'], request)).toBeNull();
    expect(auth.respond(401, ['Digest realm="mine"'], request)).toBeNull();
    expect(auth.respond(401, ['Digest realm="mine", nonce="unterminated'], request)).toBeNull();
    expect(auth.respond(403, ['Digest realm="mine", nonce="n"'], request)).toBeNull();
    expect(auth.respond(401, ['Digest realm="mine", nonce="n"'], request)).not.toBeNull();
  });

  test("qop=auth-int hashes the body; userhash=true hashes the username", () => {
    const auth = new DigestAuthenticator({ username: "u", password: "p" }, () => "c");
    const body = new TextEncoder().encode("v=0\r\n");
    const out = auth.respond(401, ['Digest realm="r", nonce="n", qop="auth-int", algorithm=SHA-256, userhash=true'], { ...request, body })!;
    const p = paramsOf(out[0].value);
    expect(p.get("qop")).toBe("auth-int");
    expect(p.get("userhash")).toBe("true");
    expect(p.get("username")).toMatch(/^[0-9a-f]{64}$/);
    expect(p.get("response")).toBe(digestResponse({ algorithm: "SHA-256", username: "u", password: "p", realm: "r", nonce: "n", ...request, qop: "auth-int", nc: "00000001", cnonce: "c", body }));
  });
});
