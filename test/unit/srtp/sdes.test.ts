/** RFC 4568 a=crypto parsing and formatting. */
import { describe, expect, test } from "bun:test";
import {
  createSdesCrypto, formatSdesCrypto, parseSdesCrypto, selectSdesCrypto, SRTP_PROFILES, SrtpKeyError,
} from "../../../src/media/srtp/index.ts";

const KEY30 = "WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz"; // RFC 4568 §4 example (30 bytes)

function codeOf(fn: () => unknown): string | undefined {
  try { fn(); } catch (e) { return e instanceof SrtpKeyError ? e.code : `other: ${e}`; }
  return undefined;
}

describe("parseSdesCrypto", () => {
  test("RFC 4568 example with lifetime", () => {
    const c = parseSdesCrypto(`1 AES_CM_128_HMAC_SHA1_80 inline:${KEY30}|2^20`);
    expect(c.tag).toBe(1);
    expect(c.profile).toBe(SRTP_PROFILES.AES_CM_128_HMAC_SHA1_80);
    expect(c.lifetime).toBe(2 ** 20);
    expect(Buffer.from(c.keys.masterKey).toString("hex")).toBe(Buffer.from(KEY30, "base64").subarray(0, 16).toString("hex"));
    expect(c.keys.masterSalt.length).toBe(14);
  });

  test("32-bit tag suite, decimal lifetime, WSH and optional unknown params", () => {
    const c = parseSdesCrypto(`2 AES_CM_128_HMAC_SHA1_32 inline:${KEY30}|1048576 WSH=100 -X_FUTURE=1`);
    expect(c.profile.rtpTagLength).toBe(4);
    expect(c.lifetime).toBe(1048576);
    expect(c.windowSizeHint).toBe(128);
  });

  test("AEAD suites with 28- and 44-byte key||salt", () => {
    const g128 = createSdesCrypto(3, SRTP_PROFILES.AEAD_AES_128_GCM);
    const g256 = createSdesCrypto(4, SRTP_PROFILES.AEAD_AES_256_GCM);
    for (const c of [g128, g256]) {
      const back = parseSdesCrypto(formatSdesCrypto(c));
      expect(back.profile).toBe(c.profile);
      expect(Buffer.from(back.keys.masterKey).equals(Buffer.from(c.keys.masterKey))).toBe(true);
      expect(Buffer.from(back.keys.masterSalt).equals(Buffer.from(c.keys.masterSalt))).toBe(true);
    }
  });

  test("format round trip keeps tag, lifetime and WSH", () => {
    const c = { ...createSdesCrypto(7, SRTP_PROFILES.AES_CM_128_HMAC_SHA1_80), lifetime: 2 ** 31, windowSizeHint: 256 };
    const line = formatSdesCrypto(c);
    expect(line).toMatch(/^7 AES_CM_128_HMAC_SHA1_80 inline:[A-Za-z0-9+/]{40}\|2\^31 WSH=256$/);
    const back = parseSdesCrypto(line);
    expect([back.tag, back.lifetime, back.windowSizeHint]).toEqual([7, 2 ** 31, 256]);
  });

  test.each([
    [`1 AES_CM_128_HMAC_SHA1_80 inline:${KEY30}|2^20|1:4;inline:${KEY30}|2^20|2:4`, "multiple-keys"],
    [`1 AES_CM_128_HMAC_SHA1_80 inline:${KEY30}|1:129`, "bad-syntax"],
    [`1 AES_CM_128_HMAC_SHA1_80 inline:${KEY30}|1:0`, "bad-syntax"],
    [`1 AES_CM_128_HMAC_SHA1_80 inline:${KEY30}|256:1`, "bad-syntax"],
    [`1 AES_CM_128_HMAC_SHA1_80 inline:${KEY30}|1:4|2^20`, "bad-syntax"],
    [`1 AES_CM_128_HMAC_SHA1_80 inline:${KEY30}|1:4|2:4`, "bad-syntax"],
    [`1 F8_128_HMAC_SHA1_80 inline:${KEY30}`, "unknown-suite"],
    [`1 AES_CM_128_HMAC_SHA1_80 inline:${KEY30.slice(4)}`, "bad-key-length"],
    [`1 AEAD_AES_128_GCM inline:${KEY30}`, "bad-key-length"],
    [`1 AES_CM_128_HMAC_SHA1_80 inline:not*base64`, "bad-syntax"],
    [`1 AES_CM_128_HMAC_SHA1_80 uri:http://example.com/key`, "bad-syntax"],
    [`x AES_CM_128_HMAC_SHA1_80 inline:${KEY30}`, "bad-syntax"],
    [`1 AES_CM_128_HMAC_SHA1_80`, "bad-syntax"],
    [`1 AES_CM_128_HMAC_SHA1_80 inline:${KEY30}|2^x`, "bad-lifetime"],
    [`1 AES_CM_128_HMAC_SHA1_80 inline:${KEY30}|2^49`, "bad-lifetime"],
    [`1 AES_CM_128_HMAC_SHA1_80 inline:${KEY30} UNENCRYPTED_SRTP`, "unsupported-param"],
    [`1 AES_CM_128_HMAC_SHA1_80 inline:${KEY30} KDR=10`, "unsupported-param"],
    [`1 AES_CM_128_HMAC_SHA1_80 inline:${KEY30} NEW_THING`, "unsupported-param"],
    [`1 AES_CM_128_HMAC_SHA1_80 inline:${KEY30} WSH=10`, "bad-syntax"],
  ])("rejects %s (%s)", (line, code) => {
    expect(codeOf(() => parseSdesCrypto(line))).toBe(code);
  });

  test("MKI: decimal value as big-endian bytes of the given length, with or without a lifetime", () => {
    const a = parseSdesCrypto(`1 AES_CM_128_HMAC_SHA1_80 inline:${KEY30}|2^20|1:4`);
    expect(Buffer.from(a.keys.mki!).toString("hex")).toBe("00000001");
    const b = parseSdesCrypto(`1 AES_CM_128_HMAC_SHA1_32 inline:${KEY30}|258:2`);
    expect(Buffer.from(b.keys.mki!).toString("hex")).toBe("0102");
    expect(b.lifetime).toBeUndefined();
    expect(formatSdesCrypto(a)).toBe(`1 AES_CM_128_HMAC_SHA1_80 inline:${KEY30}|2^20|1:4`);
    expect(parseSdesCrypto(`1 AES_CM_128_HMAC_SHA1_80 inline:${KEY30}`).keys.mki).toBeUndefined();
  });

  test("accepts the split fields of src/sdp's Crypto model", () => {
    const c = parseSdesCrypto({ tag: 5, suite: "AES_CM_128_HMAC_SHA1_80", keyParams: `inline:${KEY30}|2^31`, sessionParams: "WSH=256" });
    expect([c.tag, c.lifetime, c.windowSizeHint]).toEqual([5, 2 ** 31, 256]);
    expect(codeOf(() => parseSdesCrypto({ tag: 1, suite: "AES_CM_128_HMAC_SHA1_80", keyParams: `inline:${KEY30}`, sessionParams: "UNENCRYPTED_SRTCP" }))).toBe("unsupported-param");
    expect(codeOf(() => parseSdesCrypto({ tag: -1, suite: "AES_CM_128_HMAC_SHA1_80", keyParams: `inline:${KEY30}` }))).toBe("bad-syntax");
  });

  test("KDR=0 is accepted", () => {
    expect(parseSdesCrypto(`1 AES_CM_128_HMAC_SHA1_80 inline:${KEY30} KDR=0`).tag).toBe(1);
  });
});

test("selectSdesCrypto: first usable line with an accepted suite", () => {
  const offered = [
    `1 AES_256_CM_HMAC_SHA1_80 inline:${KEY30}`,
    `2 AES_CM_128_HMAC_SHA1_80 inline:${KEY30}|2^20|1:4;inline:${KEY30}|2^20|2:4`,
    `3 AES_CM_128_HMAC_SHA1_32 inline:${KEY30}`,
    `4 AES_CM_128_HMAC_SHA1_80 inline:${KEY30}`,
  ];
  expect(selectSdesCrypto(offered, ["AES_CM_128_HMAC_SHA1_80"])?.tag).toBe(4);
  expect(selectSdesCrypto(offered, ["AES_CM_128_HMAC_SHA1_80", "AES_CM_128_HMAC_SHA1_32"])?.tag).toBe(3);
  expect(selectSdesCrypto(offered.slice(0, 2), ["AES_CM_128_HMAC_SHA1_80"])).toBeUndefined();
});
