/**
 * The retransmission cache keeps the last maxPackets sent packets for maxAgeMs, across a sequence wrap; a NACK's FCI
 * (PID + 16-bit bitmask, RFC 4585 §6.2.1) turns into exactly the packets it names, resent once per request burst.
 */
import { describe, expect, test } from "bun:test";
import { parseRtcp, type GenericNack } from "../../../src/media/rtcp/index.ts";
import { NackResponder, RetransmissionCache } from "../../../src/media/relay/index.ts";

const packet = (seq: number) => new Uint8Array([0x80, 96, seq >> 8, seq & 0xff]);

function fill(cache: RetransmissionCache, first: number, count: number, at = 0): void {
  for (let i = 0; i < count; i++) {
    const seq = (first + i) & 0xffff;
    cache.store(seq, packet(seq), at);
  }
}

describe("RetransmissionCache", () => {
  test("holds the last maxPackets (rounded up to a power of two) and forgets what was pushed out", () => {
    const cache = new RetransmissionCache({ maxPackets: 500 });
    expect(cache.maxPackets).toBe(512);
    fill(cache, 0, 600);
    expect(cache.get(87, 0)).toBeNull();
    expect(cache.get(88, 0)).toEqual(packet(88));
    expect(cache.get(599, 0)).toEqual(packet(599));
    expect(cache.get(600, 0)).toBeNull();
  });

  test("ignores packets older than maxAgeMs", () => {
    const cache = new RetransmissionCache({ maxAgeMs: 1000 });
    cache.store(7, packet(7), 5000);
    expect(cache.get(7, 6000)).toEqual(packet(7));
    expect(cache.get(7, 6001)).toBeNull();
  });

  test("lets go of packets older than maxAgeMs as new ones are stored: a slow stream keeps ~1 s of packets, not maxPackets", () => {
    const cache = new RetransmissionCache({ maxPackets: 512, maxAgeMs: 1000 });
    for (let i = 0; i < 600; i++) cache.store(i, packet(i), i * 20); // 50 packets/s for 12 s
    expect(cache.held).toBe(51);
    expect(cache.get(549, 11_980)).toEqual(packet(549));
    expect(cache.get(548, 11_980)).toBeNull();
  });

  test("finds packets on both sides of a sequence wrap and never confuses seq with seq + k * 65536 or seq + maxPackets", () => {
    const cache = new RetransmissionCache({ maxPackets: 16, maxAgeMs: 1000 });
    fill(cache, 65530, 12);
    for (const seq of [65530, 65535, 0, 5]) expect(cache.get(seq, 0)).toEqual(packet(seq));
    expect(cache.get(65530 + 16, 0)).toBeNull();
    expect(cache.get(5 + 65536, 0)).toEqual(packet(5));
    cache.store(3, packet(3), 0);
    expect(cache.get(3 + 16, 0)).toBeNull();
    // The same number a whole wrap later is a different packet: the age bound keeps the old one out.
    expect(cache.get(3, 1001)).toBeNull();
  });

  test("holds references, not copies, and clear() lets them go", () => {
    const cache = new RetransmissionCache();
    const p = packet(9);
    cache.store(9, p, 0);
    expect(cache.get(9, 0)).toBe(p);
    cache.clear();
    expect(cache.get(9, 0)).toBeNull();
    expect(cache.held).toBe(0);
  });
});

/** RTPFB FMT 1, sender 0x11111111, media 0x22222222: PID 65534 with BLP bits 0, 2 and 15; then PID 100, BLP 0. */
const NACK_FIXTURE = new Uint8Array([
  0x81, 205, 0x00, 0x04, 0x11, 0x11, 0x11, 0x11, 0x22, 0x22, 0x22, 0x22,
  0xff, 0xfe, 0b1000_0000, 0b0000_0101,
  0x00, 0x64, 0x00, 0x00,
]);

describe("NackResponder", () => {
  test("the FCI bitmask of a real NACK selects exactly the packets it names, across the wrap", () => {
    const [nack] = parseRtcp(NACK_FIXTURE) as [GenericNack];
    expect(nack.lost).toEqual([65534, 65535, 1, 14, 100]);
    const cache = new RetransmissionCache();
    fill(cache, 65500, 200);
    const responder = new NackResponder(cache, "sip");
    const resent: number[] = [];
    const missed = responder.serve(nack.lost, 0, (p) => { resent.push((p[2]! << 8) | p[3]!); return true; });
    expect(resent).toEqual([65534, 65535, 1, 14, 100]);
    expect(missed).toEqual([]);
    expect(responder.counters).toEqual({ requests: 1, served: 5, missed: 0, repeat: 0 });
  });

  test("returns what the cache lacks (or could not send) for forwarding, and counts it missed", () => {
    const cache = new RetransmissionCache({ maxAgeMs: 1000 });
    fill(cache, 10, 5);
    const responder = new NackResponder(cache, "browser");
    const missed = responder.serve([9, 10, 11, 300], 0, (p) => p[3] !== 11);
    expect(missed).toEqual([9, 11, 300]);
    expect(responder.serve([12], 2000, () => true)).toEqual([12]);
    expect(responder.counters).toEqual({ requests: 2, served: 1, missed: 4, repeat: 0 });
  });

  test("a packet NACKed again before its retransmission could arrive is not resent twice", () => {
    const cache = new RetransmissionCache();
    fill(cache, 0, 10);
    const responder = new NackResponder(cache, "sip", 10);
    let sends = 0;
    const resend = () => { sends++; return true; };
    expect(responder.serve([4], 100, resend)).toEqual([]);
    expect(responder.serve([4], 105, resend)).toEqual([]);
    expect(sends).toBe(1);
    responder.serve([4], 111, resend);
    expect(sends).toBe(2);
    expect(responder.counters).toEqual({ requests: 3, served: 2, missed: 0, repeat: 1 });
    // A new packet in the slot starts afresh.
    cache.store(4, packet(4), 112);
    responder.serve([4], 113, resend);
    expect(sends).toBe(3);
  });
});
