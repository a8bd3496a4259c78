/** Hostile or broken input: bad tags, replays, truncation, forged SSRCs, random garbage. */
import { describe, expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import { metrics } from "../../../src/observability/metrics.ts";
import { SRTP_PROFILES, SrtpProtector, SrtpUnprotector, type SrtpProfile } from "../../../src/media/srtp/index.ts";

const PROFILES = Object.values(SRTP_PROFILES);
const rejectedTotal = metrics.counter("srtp_rejected_total", "");

function rtp(seq: number, ssrc = 0x1234, payload = 160): Buffer {
  const b = randomBytes(12 + payload);
  b[0] = 0x80;
  b[1] = 96;
  b.writeUInt16BE(seq & 0xffff, 2);
  b.writeUInt32BE(ssrc, 8);
  return b;
}

function rtcp(ssrc = 0x1234): Buffer {
  const b = randomBytes(32);
  b.set([0x80, 200, 0, 7]);
  b.writeUInt32BE(ssrc, 4);
  return b;
}

function pair(profile: SrtpProfile, replayWindow?: number) {
  const keys = { masterKey: randomBytes(profile.masterKeyLength), masterSalt: randomBytes(profile.masterSaltLength) };
  return { tx: new SrtpProtector(profile, keys), rx: new SrtpUnprotector(profile, keys, { replayWindow }) };
}

for (const profile of PROFILES) {
  describe(profile.name, () => {
    test("a bad auth tag is rejected and counted (stats and srtp_rejected_total)", () => {
      const { tx, rx } = pair(profile);
      const before = rejectedTotal.get({ reason: "auth" });
      for (const flip of [0, 5, 12, 40, -1]) { // header, SSRC, payload and tag bytes
        const p = Buffer.from(tx.protectRtp(rtp(1))!);
        p[flip < 0 ? p.length + flip : flip] ^= 0x01;
        expect(rx.unprotectRtp(p)).toBeNull();
      }
      expect(rx.stats.rejected.auth).toBe(5);
      expect(rx.lastReject).toBe("auth");
      expect(rejectedTotal.get({ reason: "auth" }) - before).toBe(5);
      expect(rx.rolloverCounter(0x1234)).toBeUndefined(); // no state for unauthenticated packets
    });

    test("a replayed packet is rejected; a reordered one inside the window is accepted", () => {
      const { tx, rx } = pair(profile);
      const packets = [1, 2, 3, 4, 5].map((s) => tx.protectRtp(rtp(s))!);
      const copy = (i: number) => Buffer.from(packets[i]);
      expect(rx.unprotectRtp(copy(0))).not.toBeNull();
      expect(rx.unprotectRtp(copy(2))).not.toBeNull();
      expect(rx.unprotectRtp(copy(1))).not.toBeNull(); // late but fresh
      expect(rx.unprotectRtp(copy(2))).toBeNull();
      expect(rx.lastReject).toBe("replay");
      expect(rx.stats.rejected.replay).toBe(1);
    });

    test("a packet behind the replay window is rejected as too old", () => {
      const { tx, rx } = pair(profile, 64);
      const old = tx.protectRtp(rtp(10))!;
      for (let s = 11; s < 100; s++) rx.unprotectRtp(tx.protectRtp(rtp(s))!);
      expect(rx.unprotectRtp(old)).toBeNull();
      expect(rx.lastReject).toBe("too-old");
    });

    test("every truncation of an SRTP and an SRTCP packet is rejected", () => {
      const { tx, rx } = pair(profile);
      const p = tx.protectRtp(rtp(7))!;
      const c = tx.protectRtcp(rtcp())!;
      for (let len = 0; len < p.length; len++) expect(rx.unprotectRtp(Buffer.from(p.subarray(0, len)))).toBeNull();
      for (let len = 0; len < c.length; len++) expect(rx.unprotectRtcp(Buffer.from(c.subarray(0, len)))).toBeNull();
      expect(rx.stats.rtpPackets + rx.stats.rtcpPackets).toBe(0);
      expect(rx.unprotectRtp(Buffer.from(p))).not.toBeNull();
      expect(rx.unprotectRtcp(Buffer.from(c))).not.toBeNull();
    });

    test("SRTCP: index increments per packet, replays are rejected", () => {
      const { tx, rx } = pair(profile);
      const indexOf = (pkt: Uint8Array) => {
        const at = profile.aead ? pkt.length - 4 : pkt.length - 4 - profile.rtcpTagLength;
        return Buffer.from(pkt).readUInt32BE(at);
      };
      const a = tx.protectRtcp(rtcp())!;
      const b = tx.protectRtcp(rtcp())!;
      expect(indexOf(a)).toBe(0x80000001); // E flag + index 1
      expect(indexOf(b)).toBe(0x80000002);
      expect(rx.unprotectRtcp(Buffer.from(b))).not.toBeNull();
      expect(rx.unprotectRtcp(Buffer.from(a))).not.toBeNull();
      expect(rx.unprotectRtcp(Buffer.from(a))).toBeNull();
      expect(rx.lastReject).toBe("replay");
    });

    test("no crash on 10k garbage packets (random and bit-flipped), all rejected", () => {
      const { tx, rx } = pair(profile);
      const valid = tx.protectRtp(rtp(1, 0x1234, 200))!;
      const validRtcp = tx.protectRtcp(rtcp())!;
      let accepted = 0;
      for (let i = 0; i < 10_000; i++) {
        let g: Buffer;
        if (i % 3 === 0) {
          g = randomBytes(i % 1500);
          if (i % 2) g[0] = 0x80 | (g[0] & 0x3f); // look like version 2 half the time
        } else {
          g = Buffer.from(i % 3 === 1 ? valid : validRtcp);
          g[(i * 7919) % g.length] ^= 1 << (i % 8);
        }
        if (rx.unprotectRtp(Buffer.from(g))) accepted++;
        if (rx.unprotectRtcp(g)) accepted++;
      }
      expect(accepted).toBe(0);
      expect(rx.stats.rejected.auth + rx.stats.rejected.malformed).toBe(20_000);
    });
  });
}

describe("bounds", () => {
  test("forged SSRCs create no state; the remote SSRC table stays bounded (LRU eviction)", () => {
    const profile = SRTP_PROFILES.AES_CM_128_HMAC_SHA1_80;
    const keys = { masterKey: randomBytes(16), masterSalt: randomBytes(14) };
    const tx = new SrtpProtector(profile, keys);
    const rx = new SrtpUnprotector(profile, keys, { maxSsrcs: 4 });
    for (let ssrc = 1; ssrc <= 10; ssrc++) expect(rx.unprotectRtp(tx.protectRtp(rtp(100, ssrc))!)).not.toBeNull();
    const live = [...Array(10).keys()].map((i) => i + 1).filter((s) => rx.rolloverCounter(s) !== undefined);
    expect(live).toEqual([7, 8, 9, 10]);
    const forged = rtp(5, 0xbad);
    expect(rx.unprotectRtp(Buffer.concat([forged, Buffer.alloc(10)]))).toBeNull();
    expect(rx.rolloverCounter(0xbad)).toBeUndefined();
  });

  test("protect refuses non-RTP and too-small output buffers", () => {
    const { tx } = pair(SRTP_PROFILES.AEAD_AES_128_GCM);
    expect(tx.protectRtp(Buffer.from([0x40, 0, 0, 1]))).toBeNull();
    expect(tx.lastReject).toBe("malformed");
    expect(tx.protectRtcp(Buffer.from([0x80, 200, 0]))).toBeNull();
    expect(() => tx.protectRtp(rtp(1), Buffer.alloc(100))).toThrow(RangeError);
  });

  test("replay window size is validated", () => {
    const profile = SRTP_PROFILES.AES_CM_128_HMAC_SHA1_80;
    const keys = { masterKey: randomBytes(16), masterSalt: randomBytes(14) };
    expect(() => new SrtpUnprotector(profile, keys, { replayWindow: 32 })).toThrow(RangeError);
    expect(() => new SrtpUnprotector(profile, keys, { replayWindow: 100 })).toThrow(RangeError);
  });
});
