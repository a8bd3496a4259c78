import { describe, expect, test } from "bun:test";
import {
  bAsToBps, BitrateConstraints, bpsToBAs, DEFAULT_PACKET_OVERHEAD, rembToTmmbr, tiasToBps, tmmbnFor, tmmbrToRemb,
} from "../../../src/media/bandwidth/index.ts";
import { decodeBitrate, encodeBitrate, parseRtcp, ReceiverEstimatedMaxBitrate, Tmmbr } from "../../../src/media/rtcp/index.ts";
import { mediaFixture } from "../../support/media-fixtures.ts";

describe("exp/mantissa bitrate fields", () => {
  test("exact when the mantissa fits, rounded down otherwise, for both field widths", () => {
    expect(encodeBitrate(100_000, 17)).toEqual({ exp: 0, mantissa: 100_000 });
    expect(encodeBitrate(384_000, 17)).toEqual({ exp: 2, mantissa: 96_000 });
    expect(encodeBitrate(1_000_000, 18)).toEqual({ exp: 2, mantissa: 250_000 });
    for (const bps of [1, 131_071, 131_073, 999_999, 12_345_678, 2 ** 40 + 7]) {
      for (const bits of [17, 18]) {
        const { exp, mantissa } = encodeBitrate(bps, bits);
        const back = decodeBitrate(exp, mantissa);
        expect(mantissa).toBeLessThan(2 ** bits);
        expect(back).toBeLessThanOrEqual(bps);
        expect(bps - back).toBeLessThan(2 ** exp);
      }
    }
    expect(encodeBitrate(-5, 17)).toEqual({ exp: 0, mantissa: 0 });
  });
});

describe("TMMBR <-> REMB", () => {
  test("the VoLTE TMMBR fixture (384 kbit/s) becomes a REMB for the browser's SSRC", () => {
    const tmmbr = parseRtcp(mediaFixture("rtcp-tmmbr.bin"))[0] as Tmmbr;
    const remb = tmmbrToRemb(tmmbr, { senderSsrc: 0x77, mediaSsrcs: [0x12345678] });
    expect(remb).toEqual(new ReceiverEstimatedMaxBitrate(0x77, 384_000, [0x12345678]));
    expect(parseRtcp(remb!.serialize())[0]).toEqual(remb!);
  });
  test("entries for other SSRCs are ignored; the tightest applicable entry wins", () => {
    const t = new Tmmbr(1, [{ ssrc: 5, bitrate: 500_000, overhead: 40 }, { ssrc: 6, bitrate: 200_000, overhead: 40 }, { ssrc: 5, bitrate: 300_000, overhead: 40 }]);
    expect(tmmbrToRemb(t, { senderSsrc: 9, mediaSsrcs: [5] })?.bitrate).toBe(300_000);
    expect(tmmbrToRemb(t, { senderSsrc: 9, mediaSsrcs: [] })?.bitrate).toBe(200_000);
    expect(tmmbrToRemb(t, { senderSsrc: 9, mediaSsrcs: [7] })).toBeNull();
  });
  test("overhead adjustment: 40-byte IPv4 overhead to a 50-byte SRTP leg at 50 pkt/s costs 4 kbit/s", () => {
    const t = new Tmmbr(1, [{ ssrc: 5, bitrate: 400_000, overhead: 40 }]);
    expect(tmmbrToRemb(t, { senderSsrc: 9, mediaSsrcs: [5], adjust: { packetsPerSecond: 50, targetOverhead: 50 } })?.bitrate).toBe(404_000);
  });
  test("REMB from the browser becomes a TMMBR toward the phone, with the default 40-byte overhead", () => {
    const t = rembToTmmbr(new ReceiverEstimatedMaxBitrate(1, 256_000, [2]), { senderSsrc: 3, mediaSsrc: 4 });
    expect(t.entries).toEqual([{ ssrc: 4, bitrate: 256_000, overhead: DEFAULT_PACKET_OVERHEAD }]);
    expect(Tmmbr.deSerialize(t.serialize())).toEqual(t);
  });
  test("TMMBN answering an accepted TMMBR names the requester", () => {
    const n = tmmbnFor(new Tmmbr(0x10, [{ ssrc: 0x20, bitrate: 384_000, overhead: 40 }]), 0x20, 0x10);
    expect(n.entries).toEqual([{ ssrc: 0x10, bitrate: 384_000, overhead: 40 }]);
    expect(n.senderSsrc).toBe(0x20);
  });
});

describe("SDP bandwidth and the combined limit", () => {
  test("b=AS is kbit/s; b=TIAS adds headers back", () => {
    expect(bAsToBps(500)).toBe(500_000);
    expect(bpsToBAs(384_999)).toBe(384);
    expect(tiasToBps(360_000, 50)).toBe(376_000);
  });
  test("the effective limit is the minimum across sources, with change events only when it moves", () => {
    const c = new BitrateConstraints();
    const changes: (number | null)[] = [];
    c.on("change", (l) => changes.push(l));
    c.set("b=AS", bAsToBps(500));
    c.set("tmmbr", 384_000);
    c.set("remb", 1_000_000);
    expect([c.limit, c.bindingSource]).toEqual([384_000, "tmmbr"]);
    c.set("tmmbr", null);
    expect([c.limit, c.bindingSource]).toEqual([500_000, "b=AS"]);
    c.set("b=AS", Number.NaN);
    c.set("remb", null);
    expect(changes).toEqual([500_000, 384_000, 500_000, 1_000_000, null]);
    expect(c.limit).toBeNull();
  });
});
