import { describe, expect, test } from "bun:test";
import { BitrateMeter, roundTripMs, RtpReceiveStats } from "../../../src/media/stats/index.ts";
import { compactNtp, ntpFromUnixMs } from "../../../src/media/rtcp/index.ts";

/** Feeds seq numbers at 20 ms / 160 ts steps (ts follows seq), from t=0. */
function feed(s: RtpReceiveStats, seqs: number[], ssrc = 1): void {
  for (const seq of seqs) s.onPacket(ssrc, seq & 0xffff, seq * 160, 0, 172, seq * 20, 8000);
}

describe("RFC 3550 A.3 loss", () => {
  test("gaps count as lost; report block carries fraction, cumulative and extended highest", () => {
    const s = new RtpReceiveStats();
    feed(s, [1, 2, 3, 5, 6, 8, 9, 10]);
    expect([s.expected, s.lost]).toEqual([10, 2]);
    const rb = s.reportBlock(1000);
    expect(rb).toMatchObject({ ssrc: 1, fractionLost: Math.floor((2 * 256) / 10), packetsLost: 2, highestSequence: 10 });
    feed(s, [11, 12, 13, 14]);
    expect(s.reportBlock(2000).fractionLost).toBe(0); // interval since the last report had no loss
  });

  test("sequence wrap extends the highest sequence; duplicates make loss negative", () => {
    const s = new RtpReceiveStats();
    feed(s, [65533, 65534, 65535, 65536, 65537, 65537]);
    expect(s.extendedHighestSequence).toBe(65536 + 1);
    expect(s.expected).toBe(5);
    expect(s.lost).toBe(-1);
  });

  test("a big jump seen twice in a row is a restart, not 30000 lost packets; a lone one is ignored", () => {
    const s = new RtpReceiveStats();
    feed(s, [1, 2, 3]);
    s.onPacket(1, 40000, 0, 0, 172, 100, 8000); // lone stray
    feed(s, [4]);
    expect(s.lost).toBe(0);
    s.onPacket(1, 30000, 0, 0, 172, 200, 8000);
    s.onPacket(1, 30001, 160, 0, 172, 220, 8000);
    expect(s.lost).toBe(0);
    expect(s.expected).toBe(4 + 1); // 1..4 then the restarted space holding 30001
  });

  test("a new SSRC starts a new sequence space; totals carry over", () => {
    const s = new RtpReceiveStats();
    feed(s, [1, 2, 4]);
    feed(s, [500, 501, 503], 2);
    expect([s.expected, s.lost, s.packets]).toEqual([8, 2, 6]);
  });
});

describe("RFC 3550 A.8 jitter", () => {
  test("perfectly paced packets have zero jitter; one 10 ms late packet moves it by |D|/16", () => {
    const s = new RtpReceiveStats();
    for (let i = 0; i < 10; i++) s.onPacket(1, i, i * 160, 0, 172, i * 20, 8000);
    expect(s.jitter).toBe(0);
    s.onPacket(1, 10, 1600, 0, 172, 210, 8000); // 10 ms late = 80 ts units
    expect(s.jitter).toBe(80 / 16);
    s.onPacket(1, 11, 1760, 0, 172, 220, 8000); // back on time: D = -80
    expect(s.jitter).toBeCloseTo(5 + (80 - 5) / 16, 10);
    expect(s.jitterMs).toBeCloseTo(((5 + 75 / 16) * 1000) / 8000, 10);
  });

  test("DTMF packets (other PT, repeated timestamp) do not count as jitter", () => {
    const s = new RtpReceiveStats();
    for (let i = 0; i < 5; i++) s.onPacket(1, i, i * 160, 0, 172, i * 20, 8000);
    for (let i = 5; i < 9; i++) s.onPacket(1, i, 800, 101, 16, i * 20, 8000);
    expect(s.jitter).toBe(0);
  });
});

describe("RTT and bitrate", () => {
  test("RTT = A - LSR - DLSR", () => {
    const now = 1_764_115_200_000;
    const sent = ntpFromUnixMs(now - 150);
    const lsr = compactNtp(sent.seconds, sent.fraction);
    expect(roundTripMs(lsr, Math.round(0.1 * 65536), now)).toBeCloseTo(50, 0);
    expect(roundTripMs(0, 0, now)).toBeNull();
    expect(roundTripMs(lsr, Math.round(0.2 * 65536), now)).toBeNull(); // DLSR longer than the elapsed time: foreign LSR
  });

  test("bitrate over the interval between samples", () => {
    const m = new BitrateMeter();
    expect(m.sample(0, 0)).toBe(0);
    expect(m.sample(8000, 1000)).toBe(64000);
    expect(m.sample(8000, 2000)).toBe(0);
  });

  test("report block LSR/DLSR echo the last SR received", () => {
    const s = new RtpReceiveStats();
    feed(s, [1]);
    s.onSenderReport(0x12345678, 1000);
    const rb = s.reportBlock(1500);
    expect(rb.lsr).toBe(0x12345678);
    expect(rb.dlsr).toBe(32768);
  });
});
