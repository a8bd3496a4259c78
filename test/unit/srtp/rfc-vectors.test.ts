import { describe, expect, test } from "bun:test";
import {
  deriveSessionKeys, SRTP_PROFILES, SrtpProtector, SrtpUnprotector, type SrtpProfile, type SrtpSessionKeys,
} from "../../../src/media/srtp/index.ts";
import { hex, LIBSRTP_CM80, RFC3711_B2, RFC3711_B3, RFC6188_72, RFC7714 } from "../../fixtures/srtp/vectors.ts";

const CM80 = SRTP_PROFILES.AES_CM_128_HMAC_SHA1_80;
const GCM128 = SRTP_PROFILES.AEAD_AES_128_GCM;
const GCM256 = SRTP_PROFILES.AEAD_AES_256_GCM;

function sessionKeys(key: string, salt: string, authKey = ""): SrtpSessionKeys {
  return {
    rtpKey: hex(key), rtpSalt: hex(salt), rtpAuthKey: hex(authKey),
    rtcpKey: hex(key), rtcpSalt: hex(salt), rtcpAuthKey: hex(authKey),
  };
}

describe("RFC 3711 Appendix B", () => {
  test("B.2 AES-CM keystream, including counter blocks FEFF..FF01", () => {
    const p = new SrtpProtector(CM80, { sessionKeys: sessionKeys(RFC3711_B2.sessionKey, RFC3711_B2.sessionSalt, "00".repeat(20)) });
    // RTP header with SSRC 0 and SEQ 0, zero payload long enough for block 0xFF01: the ciphertext is the keystream.
    const packet = Buffer.alloc(12 + 0xff02 * 16);
    packet[0] = 0x80;
    const out = p.protectRtp(packet)!;
    for (const [block, expected] of Object.entries(RFC3711_B2.blocks)) {
      const at = 12 + Number(block) * 16;
      expect(Buffer.from(out.subarray(at, at + 16)).toString("hex")).toBe(expected.toLowerCase());
    }
  });

  test("B.3 key derivation: cipher key, salt and auth key", () => {
    const k = deriveSessionKeys(CM80, { masterKey: hex(RFC3711_B3.masterKey), masterSalt: hex(RFC3711_B3.masterSalt) });
    expect(k.rtpKey.toString("hex")).toBe(RFC3711_B3.cipherKey.toLowerCase());
    expect(k.rtpSalt.toString("hex")).toBe(RFC3711_B3.cipherSalt.toLowerCase());
    expect(k.rtpAuthKey.toString("hex")).toBe(RFC3711_B3.authKey.toLowerCase());
  });

  test("RFC 6188 §7.2: the AES-256 PRF (used by AEAD_AES_256_GCM) with a 14-byte salt", () => {
    // AES_256_CM_HMAC_SHA1_80 is not an avsplit profile; its shape exercises the same AES-256 KDF code.
    const aes256cm = { ...GCM256, masterSaltLength: 14, sessionSaltLength: 14, authKeyLength: 20 };
    const k = deriveSessionKeys(aes256cm, { masterKey: hex(RFC6188_72.masterKey), masterSalt: hex(RFC6188_72.masterSalt) });
    expect(k.rtpKey.toString("hex")).toBe(RFC6188_72.cipherKey);
    expect(k.rtpSalt.toString("hex")).toBe(RFC6188_72.cipherSalt);
    expect(k.rtpAuthKey.toString("hex")).toBe(RFC6188_72.authKey);
  });

  test("derived key lengths follow the profile", () => {
    const gcm = deriveSessionKeys(GCM256, { masterKey: Buffer.alloc(32, 1), masterSalt: Buffer.alloc(12, 2) });
    expect([gcm.rtpKey.length, gcm.rtpSalt.length, gcm.rtpAuthKey.length]).toEqual([32, 12, 0]);
    expect(() => deriveSessionKeys(CM80, { masterKey: Buffer.alloc(15), masterSalt: Buffer.alloc(14) })).toThrow(/16-byte key/);
  });
});

describe("libsrtp AES_CM_128_HMAC_SHA1_80 packet vectors", () => {
  const master = { masterKey: hex(RFC3711_B3.masterKey), masterSalt: hex(RFC3711_B3.masterSalt) };

  test("SRTP protect and unprotect", () => {
    const out = new SrtpProtector(CM80, master).protectRtp(hex(LIBSRTP_CM80.rtpPlain))!;
    expect(Buffer.from(out).toString("hex")).toBe(hex(LIBSRTP_CM80.rtpProtected).toString("hex"));
    const plain = new SrtpUnprotector(CM80, master).unprotectRtp(hex(LIBSRTP_CM80.rtpProtected));
    expect(plain?.toString("hex")).toBe(hex(LIBSRTP_CM80.rtpPlain).toString("hex"));
  });

  test("SRTCP protect (index 1) and unprotect", () => {
    const out = new SrtpProtector(CM80, master).protectRtcp(hex(LIBSRTP_CM80.rtcpPlain))!;
    expect(Buffer.from(out).toString("hex")).toBe(hex(LIBSRTP_CM80.rtcpProtected).toString("hex"));
    const plain = new SrtpUnprotector(CM80, master).unprotectRtcp(hex(LIBSRTP_CM80.rtcpProtected));
    expect(plain?.toString("hex")).toBe(hex(LIBSRTP_CM80.rtcpPlain).toString("hex"));
  });
});

describe("RFC 7714 AEAD_AES_128_GCM / AEAD_AES_256_GCM", () => {
  const cases: [string, SrtpProfile, string, string, string][] = [
    ["128 (§16.1.1, §17.1)", GCM128, RFC7714.key128, RFC7714.srtp128, RFC7714.srtcp128],
    ["256 (§16.2.1, §17.2)", GCM256, RFC7714.key256, RFC7714.srtp256, RFC7714.srtcp256],
  ];
  for (const [name, profile, key, srtp, srtcp] of cases) {
    const keys = () => ({ sessionKeys: sessionKeys(key, RFC7714.salt) });

    test(`${name}: SRTP protect and unprotect`, () => {
      const out = new SrtpProtector(profile, keys()).protectRtp(hex(RFC7714.rtp))!;
      expect(Buffer.from(out).toString("hex")).toBe(hex(srtp).toString("hex"));
      const plain = new SrtpUnprotector(profile, keys()).unprotectRtp(hex(srtp));
      expect(plain?.toString("hex")).toBe(hex(RFC7714.rtp).toString("hex"));
    });

    test(`${name}: SRTCP protect at index 0x5d4 and unprotect`, () => {
      const p = new SrtpProtector(profile, keys());
      for (let i = 1; i < RFC7714.srtcpIndex; i++) p.protectRtcp(hex(RFC7714.rtcp));
      const out = p.protectRtcp(hex(RFC7714.rtcp))!;
      expect(Buffer.from(out).toString("hex")).toBe(hex(srtcp).toString("hex"));
      const plain = new SrtpUnprotector(profile, keys()).unprotectRtcp(hex(srtcp));
      expect(plain?.toString("hex")).toBe(hex(RFC7714.rtcp).toString("hex"));
    });
  }

  test("§17.3: authenticated-only SRTCP (E = 0) verifies and is returned unchanged", () => {
    const make = () => new SrtpUnprotector(GCM128, { sessionKeys: sessionKeys(RFC7714.key128, RFC7714.salt) });
    expect(make().unprotectRtcp(hex(RFC7714.srtcp128TagOnly))?.toString("hex")).toBe(hex(RFC7714.rtcp).toString("hex"));
    const u = make();
    const tampered = hex(RFC7714.srtcp128TagOnly);
    tampered[20] ^= 1;
    expect(u.unprotectRtcp(tampered)).toBeNull();
    expect(u.lastReject).toBe("auth");
  });
});
