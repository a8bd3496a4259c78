/** RFC 3711 §3.3.1 index (ROC) estimation: long loss across a wrap, many wraps, reordering at a wrap. */
import { describe, expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import { estimateRtpIndex, SRTP_PROFILES, SrtpProtector, SrtpUnprotector, type SrtpProfile } from "../../../src/media/srtp/index.ts";

const SSRC = 0xcafe0001;

function rtp(seq: number, payload = 160): Buffer {
  const b = randomBytes(12 + payload);
  b[0] = 0x80;
  b[1] = 0;
  b.writeUInt16BE(seq & 0xffff, 2);
  b.writeUInt32BE(SSRC, 8);
  return b;
}

function pair(profile: SrtpProfile) {
  const keys = { masterKey: randomBytes(profile.masterKeyLength), masterSalt: randomBytes(profile.masterSaltLength) };
  return { tx: new SrtpProtector(profile, keys), rx: new SrtpUnprotector(profile, keys) };
}

describe("estimateRtpIndex", () => {
  test("first packet: ROC 0", () => expect(estimateRtpIndex(-1, 65000)).toBe(65000));
  test("forward across a wrap", () => expect(estimateRtpIndex(65500, 114)).toBe(65536 + 114));
  test("late packet from before the wrap", () => expect(estimateRtpIndex(65536 + 5, 65530)).toBe(65530));
  test("a jump of up to 2^15 keeps the ROC", () => expect(estimateRtpIndex(100, 100 + 32768)).toBe(100 + 32768));
  test("before the stream's first ROC is -1", () => expect(estimateRtpIndex(10, 40000)).toBe(-1));
  test("high ROCs", () => expect(estimateRtpIndex(7 * 65536 + 65535, 3)).toBe(8 * 65536 + 3));
});

for (const profile of [SRTP_PROFILES.AES_CM_128_HMAC_SHA1_80, SRTP_PROFILES.AEAD_AES_128_GCM]) {
  describe(profile.name, () => {
    // werift keeps the ROC only when the burst leaves <100 packets on each side of the wrap; these placements do not.
    for (const before of [75, 140, 10, 150, 0]) {
      test(`150 packets lost across a sequence wrap (${before} before it), then the stream still decrypts`, () => {
        const { tx, rx } = pair(profile);
        let delivered = 0;
        for (let ext = 65000; ext < 65536 + 2000; ext++) {
          const packet = tx.protectRtp(rtp(ext))!;
          if (ext >= 65536 - before && ext < 65536 - before + 150) continue; // lost on the wire
          if (!rx.unprotectRtp(packet)) throw new Error(`lost the stream at extended seq ${ext}: ${rx.lastReject}`);
          delivered++;
        }
        expect(delivered).toBe(2536 - 150);
        expect(rx.rolloverCounter(SSRC)).toBe(1);
      });
    }

    test("ROC advances over several wraps (sparse sending, dense around each wrap, a 2000-packet loss)", () => {
      const { tx, rx } = pair(profile);
      const nearWrap = (ext: number) => (ext + 40) % 65536 < 80;
      for (let ext = 123; ext < 5 * 65536 + 500; ext++) {
        if (ext % 1009 !== 0 && !nearWrap(ext)) continue; // never protected: a gap in the sender's sequence
        const packet = tx.protectRtp(rtp(ext, 20))!;
        if (ext > 3 * 65536 - 1000 && ext < 3 * 65536 + 1000) continue; // protected but lost on the wire
        if (!rx.unprotectRtp(packet)) throw new Error(`lost sync at extended seq ${ext}: ${rx.lastReject}`);
      }
      expect(tx.rolloverCounter(SSRC)).toBe(5);
      expect(rx.rolloverCounter(SSRC)).toBe(5);
      expect(rx.stats.rejected.auth).toBe(0);
    });

    test("packets reordered around a wrap decrypt (late pre-wrap packet after post-wrap ones)", () => {
      const { tx, rx } = pair(profile);
      const packets = new Map<number, Uint8Array>();
      for (let ext = 65530; ext < 65545; ext++) packets.set(ext, tx.protectRtp(rtp(ext))!);
      const order = [65530, 65531, 65532, 65536, 65537, 65533, 65535, 65538, 65534, 65539, 65540];
      for (const ext of order) expect(rx.unprotectRtp(packets.get(ext)!)).not.toBeNull();
      expect(rx.rolloverCounter(SSRC)).toBe(1);
    });
  });
}
