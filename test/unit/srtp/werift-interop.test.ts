/**
 * Cross-check against werift's own SRTP/SRTCP (the implementation browser legs talk through today):
 * packets protected by werift must unprotect here and vice versa, across a sequence-number wrap.
 */
import { describe, expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import {
  ProtectionProfileAeadAes128Gcm, ProtectionProfileAes128CmHmacSha1_80, RtpHeader, SrtcpSession, SrtpSession,
} from "werift";
import { SRTP_PROFILES, SrtpProtector, SrtpUnprotector, type SrtpProfile } from "../../../src/media/srtp/index.ts";

const SUITES: [SrtpProfile, number][] = [
  [SRTP_PROFILES.AES_CM_128_HMAC_SHA1_80, ProtectionProfileAes128CmHmacSha1_80],
  [SRTP_PROFILES.AEAD_AES_128_GCM, ProtectionProfileAeadAes128Gcm],
];

function keysFor(profile: SrtpProfile) {
  return { masterKey: randomBytes(profile.masterKeyLength), masterSalt: randomBytes(profile.masterSaltLength) };
}

function weriftKeys(local: ReturnType<typeof keysFor>, remote: ReturnType<typeof keysFor>) {
  return {
    localMasterKey: Buffer.from(local.masterKey), localMasterSalt: Buffer.from(local.masterSalt),
    remoteMasterKey: Buffer.from(remote.masterKey), remoteMasterSalt: Buffer.from(remote.masterSalt),
  };
}

/** A header with a CSRC and a one-byte extension on every 3rd packet, so header lengths vary. */
function header(seq: number, i: number): RtpHeader {
  const h = new RtpHeader({ payloadType: 102, sequenceNumber: seq, timestamp: i * 3000, ssrc: 0x11223344, marker: i % 5 === 0 });
  if (i % 3 === 0) {
    h.csrc = [0xabcdef01];
    h.csrcLength = 1;
    h.extension = true;
    h.extensionProfile = 0xbede;
    h.extensions = [{ id: 3, payload: Buffer.from([i & 0xff, 1, 2]) }];
  }
  return h;
}

const COUNT = 400;
const START_SEQ = 65436; // wraps after 100 packets

for (const [profile, weriftProfile] of SUITES) describe(profile.name, () => {
  const name = profile.name;

  test(`${name}: werift-protected RTP unprotects here, across a wrap`, () => {
    const kw = keysFor(profile), ko = keysFor(profile);
    const werift = new SrtpSession({ keys: weriftKeys(kw, ko), profile: weriftProfile });
    const ours = new SrtpUnprotector(profile, kw);
    for (let i = 0; i < COUNT; i++) {
      const payload = randomBytes(20 + ((i * 37) % 1200));
      const h = header((START_SEQ + i) & 0xffff, i);
      const plain = Buffer.concat([h.serialize(h.serializeSize), payload]);
      const out = ours.unprotectRtp(werift.encrypt(payload, h));
      expect(out?.toString("hex")).toBe(plain.toString("hex"));
    }
    expect(ours.rolloverCounter(0x11223344)).toBe(1);
  });

  test(`${name}: RTP protected here unprotects in werift, across a wrap`, () => {
    const kw = keysFor(profile), ko = keysFor(profile);
    const werift = new SrtpSession({ keys: weriftKeys(kw, ko), profile: weriftProfile });
    const ours = new SrtpProtector(profile, ko);
    for (let i = 0; i < COUNT; i++) {
      const h = header((START_SEQ + i) & 0xffff, i);
      const plain = Buffer.concat([h.serialize(h.serializeSize), randomBytes(20 + ((i * 37) % 1200))]);
      const decrypted = werift.decrypt(Buffer.from(ours.protectRtp(plain)!));
      expect(decrypted.toString("hex")).toBe(plain.toString("hex"));
    }
  });

  test(`${name}: SRTCP both ways`, () => {
    const kw = keysFor(profile), ko = keysFor(profile);
    const werift = new SrtcpSession({ keys: weriftKeys(kw, ko), profile: weriftProfile });
    const tx = new SrtpProtector(profile, ko);
    const rx = new SrtpUnprotector(profile, kw);
    for (let i = 0; i < 50; i++) {
      // receiver report (PT 201) + padding-free body of varying length
      const body = randomBytes(4 * (1 + (i % 10)));
      const rtcp = Buffer.concat([Buffer.from([0x81, 201, 0, 1 + body.length / 4, 0xde, 0xad, 0xbe, 0xef]), body]);
      expect(rx.unprotectRtcp(werift.encrypt(rtcp))?.toString("hex")).toBe(rtcp.toString("hex"));
      expect(werift.decrypt(Buffer.from(tx.protectRtcp(rtcp)!)).toString("hex")).toBe(rtcp.toString("hex"));
    }
    expect(rx.stats.rtcpPackets).toBe(50);
  });
});
