/** Protect → unprotect for every profile: header shapes, in-place operation, overheads, sessions from SDES/DTLS keys. */
import { describe, expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import {
  createSdesCrypto, dtlsSrtpKeyingMaterialLength, parseSdesCrypto, formatSdesCrypto, SRTP_PROFILES, SrtpProtector,
  srtpKeysFromDtls, srtpProfileByDtlsId, SrtpSession, SrtpUnprotector, type SrtpProfile,
} from "../../../src/media/srtp/index.ts";
import type { PacketTransform } from "../../../src/media/relay/index.ts";

function keys(profile: SrtpProfile) {
  return { masterKey: randomBytes(profile.masterKeyLength), masterSalt: randomBytes(profile.masterSaltLength) };
}

/** RTP with `csrcs` CSRCs, an optional extension of `extWords` words and optional padding. */
function rtp(seq: number, payloadLen: number, csrcs = 0, extWords = -1, pad = 0): Buffer {
  const ext = extWords >= 0 ? 4 + extWords * 4 : 0;
  const b = randomBytes(12 + csrcs * 4 + ext + payloadLen + pad);
  b[0] = 0x80 | (pad ? 0x20 : 0) | (ext ? 0x10 : 0) | csrcs;
  b.writeUInt16BE(seq, 2);
  b.writeUInt32BE(0xa1b2c3d4, 8);
  if (ext) b.writeUInt16BE(extWords, 12 + csrcs * 4 + 2);
  if (pad) b[b.length - 1] = pad;
  return b;
}

for (const profile of Object.values(SRTP_PROFILES)) {
  describe(profile.name, () => {
    const shapes: [string, Buffer][] = [
      ["audio 160 B", rtp(1, 160)],
      ["video 1200 B", rtp(2, 1188)],
      ["CSRCs + extension + padding", rtp(3, 300, 2, 3, 4)],
      ["empty payload", rtp(4, 0)],
      ["empty extension", rtp(5, 10, 0, 0)],
    ];
    for (const [name, plain] of shapes) {
      test(`RTP round trip: ${name}; header stays clear, overhead = tag`, () => {
        const k = keys(profile);
        const srtp = new SrtpProtector(profile, k).protectRtp(plain)!;
        expect(srtp.length).toBe(plain.length + profile.rtpTagLength);
        const headerLen = plain.length - (plain.length - 12 - (plain[0] & 0x0f) * 4 - ((plain[0] & 0x10) ? 4 + plain.readUInt16BE(12 + (plain[0] & 0x0f) * 4 + 2) * 4 : 0));
        expect(Buffer.from(srtp.subarray(0, headerLen)).equals(plain.subarray(0, headerLen))).toBe(true);
        if (plain.length - headerLen >= 16) expect(Buffer.from(srtp.subarray(headerLen, plain.length)).equals(plain.subarray(headerLen))).toBe(false);
        expect(new SrtpUnprotector(profile, k).unprotectRtp(Buffer.from(srtp))?.equals(plain)).toBe(true);
      });
    }

    test("in-place protect into the packet's own buffer, in-place unprotect", () => {
      const k = keys(profile);
      const plain = rtp(9, 1188);
      const buf = Buffer.alloc(1500);
      plain.copy(buf);
      const srtp = new SrtpProtector(profile, k).protectRtp(buf.subarray(0, plain.length), buf)!;
      expect(srtp.buffer).toBe(buf.buffer);
      expect(srtp.byteOffset).toBe(buf.byteOffset);
      const out = new SrtpUnprotector(profile, k).unprotectRtp(srtp as Buffer)!;
      expect(out.buffer).toBe(buf.buffer);
      expect(Buffer.from(out).equals(plain)).toBe(true);
    });

    test("SRTCP round trip (compound packet); overhead = index + tag", () => {
      const k = keys(profile);
      const rr = Buffer.from("81c90007deadbeef" + "00".repeat(24), "hex");
      const sdes = Buffer.from("81ca0003deadbeef0104616263000000", "hex");
      const compound = Buffer.concat([rr, sdes]);
      const tx = new SrtpProtector(profile, k);
      const srtcp = tx.protectRtcp(compound)!;
      expect(srtcp.length).toBe(compound.length + 4 + profile.rtcpTagLength);
      expect(tx.rtcpOverhead).toBe(4 + profile.rtcpTagLength);
      expect(new SrtpUnprotector(profile, k).unprotectRtcp(Buffer.from(srtcp))?.equals(compound)).toBe(true);
    });
  });
}

for (const profile of Object.values(SRTP_PROFILES)) {
  test(`${profile.name} with an MKI: carried in RTP and RTCP, checked on receive`, () => {
    const k = { ...keys(profile), mki: Uint8Array.from([0, 0, 0, 7]) };
    const tx = new SrtpProtector(profile, k);
    const rx = new SrtpUnprotector(profile, k);
    expect(tx.rtpOverhead).toBe(profile.rtpTagLength + 4);
    expect(tx.rtcpOverhead).toBe(4 + 4 + profile.rtcpTagLength);
    const plain = rtp(1, 200, 1, 1);
    const srtp = Buffer.from(tx.protectRtp(plain)!);
    // CM: header|payload|MKI|tag; GCM: header|payload|tag|MKI
    const mkiAt = profile.aead ? srtp.length - 4 : plain.length;
    expect(srtp.subarray(mkiAt, mkiAt + 4).toString("hex")).toBe("00000007");
    expect(rx.unprotectRtp(Buffer.from(srtp))?.equals(plain)).toBe(true);
    const rtcp = Buffer.from("81c90001deadbeef", "hex");
    const srtcp = Buffer.from(tx.protectRtcp(rtcp)!);
    expect(rx.unprotectRtcp(Buffer.from(srtcp))?.equals(rtcp)).toBe(true);
    // a different MKI (another key) is not ours
    const other = new SrtpUnprotector(profile, { ...k, mki: Uint8Array.from([0, 0, 0, 8]) });
    expect(other.unprotectRtp(Buffer.from(srtp))).toBeNull();
    expect(other.unprotectRtcp(Buffer.from(srtcp))).toBeNull();
    expect(other.stats.rejected.auth).toBe(2);
  });
}

describe("AES_CM_128_HMAC_SHA1_32 SRTCP tag length (32 bits in SIP practice, 80 in DTLS-SRTP)", () => {
  const sdes = SRTP_PROFILES.AES_CM_128_HMAC_SHA1_32;
  const dtls = srtpProfileByDtlsId(0x0002)!;
  const rr = Buffer.from("81c90001deadbeef", "hex");

  test("SDES: 4-byte RTP tag and 4-byte SRTCP tag; DTLS profile 0x0002: 10-byte SRTCP tag", () => {
    const k = keys(sdes);
    const tx = new SrtpProtector(sdes, k);
    expect([tx.rtpOverhead, tx.rtcpOverhead]).toEqual([4, 8]);
    expect(tx.protectRtcp(rr)!.length).toBe(8 + 8);
    expect(dtls.name).toBe("AES_CM_128_HMAC_SHA1_32");
    expect(new SrtpProtector(dtls, k).rtcpOverhead).toBe(14);
    const rx = new SrtpUnprotector(sdes, k);
    const p = Buffer.from(tx.protectRtp(rtp(1, 160))!);
    p[p.length - 1] ^= 0x80;
    expect(rx.unprotectRtp(p)).toBeNull();
    expect(rx.lastReject).toBe("auth");
  });

  test("either tag length is accepted on receive; a session adopts the peer's for its own SRTCP", () => {
    const a = keys(sdes), b = keys(sdes);
    const libsrtpStylePeer = new SrtpSession({ profile: dtls, local: a, remote: b }); // sends 10-byte SRTCP tags
    const us = new SrtpSession({ profile: sdes, local: b, remote: a });
    expect(us.protector.rtcpTagLength).toBe(4);
    expect(us.unprotectRtcp(Buffer.from(libsrtpStylePeer.protectRtcp(rr)!))?.equals(rr)).toBe(true);
    expect(us.unprotector.peerRtcpTagLength).toBe(10);
    expect(us.protector.rtcpTagLength).toBe(10);
    expect(libsrtpStylePeer.unprotectRtcp(Buffer.from(us.protectRtcp(rr)!))?.equals(rr)).toBe(true);
    expect(() => { us.protector.rtcpTagLength = 6; }).toThrow(RangeError);
  });
});

test("SrtpSession from SDES lines: both directions talk", () => {
  const profile = SRTP_PROFILES.AES_CM_128_HMAC_SHA1_80;
  const a = createSdesCrypto(1, profile);
  const b = parseSdesCrypto(formatSdesCrypto(createSdesCrypto(1, profile)));
  const alice = new SrtpSession({ profile, local: a.keys, remote: b.keys });
  const bob = new SrtpSession({ profile, local: b.keys, remote: a.keys });
  const plain = rtp(100, 160);
  expect(bob.unprotectRtp(Buffer.from(alice.protectRtp(plain)!))?.equals(plain)).toBe(true);
  expect(alice.unprotectRtp(Buffer.from(bob.protectRtp(plain)!))?.equals(plain)).toBe(true);
  expect(alice.unprotectRtp(Buffer.from(alice.protectRtp(rtp(101, 160))!))).toBeNull(); // own key is not the peer's
  expect(alice.lastReceiveReject).toBe("auth");
});

test("SrtpSession.fromSdes: the peer's WSH widens our replay window; different suites are refused", () => {
  const profile = SRTP_PROFILES.AES_CM_128_HMAC_SHA1_80;
  const ours = createSdesCrypto(1, profile);
  const theirs = { ...createSdesCrypto(1, profile), windowSizeHint: 1024 };
  const rx = SrtpSession.fromSdes(ours, theirs);
  const tx = SrtpSession.fromSdes(theirs, ours);
  const old = Buffer.from(tx.protectRtp(rtp(1, 20))!);
  for (let s = 2; s < 600; s++) rx.unprotectRtp(Buffer.from(tx.protectRtp(rtp(s, 20))!));
  expect(rx.unprotectRtp(old)).not.toBeNull(); // 598 behind: inside a 1024 window, outside the default 128
  expect(() => SrtpSession.fromSdes(ours, createSdesCrypto(1, SRTP_PROFILES.AES_CM_128_HMAC_SHA1_32))).toThrow(/suites differ/);
});

test("DTLS-SRTP keying material split: client local = server remote", () => {
  const profile = SRTP_PROFILES.AEAD_AES_128_GCM;
  const material = randomBytes(dtlsSrtpKeyingMaterialLength(profile));
  expect(material.length).toBe(56);
  const client = srtpKeysFromDtls(profile, material, "client");
  const server = srtpKeysFromDtls(profile, material, "server");
  expect(Buffer.from(client.local.masterKey).equals(material.subarray(0, 16))).toBe(true);
  expect(Buffer.from(client.local.masterSalt).equals(material.subarray(32, 44))).toBe(true);
  const c = new SrtpSession({ profile, ...client });
  const s = new SrtpSession({ profile, ...server });
  const plain = rtp(7, 500);
  expect(s.unprotectRtp(Buffer.from(c.protectRtp(plain)!))?.equals(plain)).toBe(true);
  expect(() => srtpKeysFromDtls(profile, material.subarray(1), "client")).toThrow(/56 bytes/);
});

test("SrtpSession scratchOutput: protect reuses one buffer per method, large packets still get their own", () => {
  const profile = SRTP_PROFILES.AEAD_AES_128_GCM;
  const k = keys(profile);
  const s = new SrtpSession({ profile, local: k, remote: k, scratchOutput: true });
  const a = s.protectRtp(rtp(1, 100))!;
  const firstCopy = Buffer.from(a);
  const b = s.protectRtp(rtp(2, 100))!;
  expect(b.buffer).toBe(a.buffer);
  expect(Buffer.from(a).equals(firstCopy)).toBe(false); // overwritten by the next call, as documented
  const big = s.protectRtp(rtp(3, 3000))!;
  expect(big.buffer).not.toBe(a.buffer);
  const rx = new SrtpSession({ profile, local: k, remote: k });
  expect(rx.unprotectRtp(Buffer.from(big))?.length).toBe(12 + 3000);
  const c = s.protectRtcp(Buffer.from("81c90001deadbeef", "hex"))!;
  expect(c.buffer).not.toBe(a.buffer);
});

test("SrtpSession plugs into the relay as its PacketTransform", () => {
  const profile = SRTP_PROFILES.AES_CM_128_HMAC_SHA1_80;
  const k = keys(profile);
  const transform: PacketTransform = new SrtpSession({ profile, local: k, remote: k, scratchOutput: true });
  const plain = rtp(5, 160);
  const wire = Buffer.from(transform.protectRtp(plain)!);
  expect(Buffer.from(transform.unprotectRtp(wire)!).equals(plain)).toBe(true);
});
