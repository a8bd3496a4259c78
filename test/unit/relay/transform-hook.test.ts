import { afterEach, describe, expect, test } from "bun:test";
import type { PacketTransform } from "../../../src/media/relay/index.ts";
import { SRTP_PROFILES, SrtpSession } from "../../../src/media/srtp/index.ts";
import { bridgedCall, parse, rtp } from "./helpers.ts";

const cleanups: (() => void)[] = [];
afterEach(() => { for (const c of cleanups.splice(0)) c(); });

/** Stand-in for SRTP: a 1-byte "auth tag" 0xA5 appended on protect, checked and stripped on unprotect. */
const TAG = 0xa5;
const fakeSrtp = (): PacketTransform & { calls: Record<string, number> } => {
  const calls: Record<string, number> = { unprotectRtp: 0, protectRtp: 0, unprotectRtcp: 0, protectRtcp: 0 };
  const protect = (p: Uint8Array) => { const o = new Uint8Array(p.length + 1); o.set(p); o[p.length] = TAG; return o; };
  const unprotect = (p: Uint8Array) => (p[p.length - 1] === TAG ? p.subarray(0, p.length - 1) : null);
  return {
    calls,
    unprotectRtp: (p) => { calls.unprotectRtp++; return unprotect(p); },
    protectRtp: (p) => { calls.protectRtp++; return protect(p); },
    unprotectRtcp: (p) => { calls.unprotectRtcp++; return unprotect(p); },
    protectRtcp: (p) => { calls.protectRtcp++; return protect(p); },
  };
};

describe("per-leg transform (SRTP hook)", () => {
  test("unprotect on the protected leg, protect toward it, plain RTP on the other leg", async () => {
    const t = fakeSrtp();
    const call = await bridgedCall({ a: { transform: t } });
    cleanups.push(() => call.close());
    const protectedRtp = (seq: number) => { const p = rtp({ sequenceNumber: seq }); const o = new Uint8Array(p.length + 1); o.set(p); o[p.length] = TAG; return o; };
    call.peerA.send(protectedRtp(1), call.legA.rtpPort);
    const plain = (await call.peerB.next()).data;
    expect(plain.length).toBe(172);
    expect(parse(plain).header.sequenceNumber).toBe(1);
    call.peerB.send(rtp({ sequenceNumber: 9 }), call.legB.rtpPort);
    const toA = (await call.peerA.next()).data;
    expect(toA.length).toBe(173);
    expect(toA[172]).toBe(TAG);
    expect(t.calls).toMatchObject({ unprotectRtp: 1, protectRtp: 1 });
  });

  test("packets failing authentication are counted and dropped; the stream continues", async () => {
    const call = await bridgedCall({ a: { transform: fakeSrtp() } });
    cleanups.push(() => call.close());
    const bad = rtp({ sequenceNumber: 1 }); // no tag
    const good = rtp({ sequenceNumber: 2 });
    const tagged = new Uint8Array(good.length + 1);
    tagged.set(good);
    tagged[good.length] = TAG;
    call.peerA.send(bad, call.legA.rtpPort);
    call.peerA.send(tagged, call.legA.rtpPort);
    expect(parse((await call.peerB.next()).data).header.sequenceNumber).toBe(2);
    expect(call.legA.dropped).toBe(1);
  });
});

describe("SDES SRTP (src/media/srtp) plugged in as the transform", () => {
  test("SRTP caller <-> relay <-> plain RTP far end, both ways; a tampered packet is dropped and counted", async () => {
    const profile = SRTP_PROFILES.AES_CM_128_HMAC_SHA1_80;
    const key = () => ({ masterKey: crypto.getRandomValues(new Uint8Array(16)), masterSalt: crypto.getRandomValues(new Uint8Array(14)) });
    const callerKey = key();
    const relayKey = key();
    const relaySide = new SrtpSession({ profile, local: relayKey, remote: callerKey, scratchOutput: true });
    const callerSide = new SrtpSession({ profile, local: callerKey, remote: relayKey });
    const call = await bridgedCall({ a: { transform: relaySide } });
    cleanups.push(() => call.close());
    const payload = new Uint8Array(160).map((_, i) => i);
    for (let seq = 1; seq <= 3; seq++) call.peerA.send(callerSide.protectRtp(rtp({ sequenceNumber: seq }, payload))!, call.legA.rtpPort);
    for (let seq = 1; seq <= 3; seq++) {
      const p = parse((await call.peerB.next()).data);
      expect(p.header.sequenceNumber).toBe(seq);
      expect(p.payload).toEqual(payload);
    }
    const tampered = callerSide.protectRtp(rtp({ sequenceNumber: 4 }, payload))!;
    tampered[20] ^= 1;
    call.peerA.send(tampered, call.legA.rtpPort);
    call.peerA.send(callerSide.protectRtp(rtp({ sequenceNumber: 5 }, payload))!, call.legA.rtpPort);
    expect(parse((await call.peerB.next()).data).header.sequenceNumber).toBe(5);
    expect(call.legA.dropped).toBe(1);

    call.peerB.send(rtp({ sequenceNumber: 77 }, payload), call.legB.rtpPort);
    const srtp = (await call.peerA.next()).data;
    expect(srtp.length).toBe(172 + 10);
    const clear = callerSide.unprotectRtp(srtp);
    expect(clear).not.toBeNull();
    expect(parse(clear!).payload).toEqual(payload);
  });
});
