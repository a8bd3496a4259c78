import { describe, expect, test } from "bun:test";
import {
  GenericNack as WeriftNack, PictureLossIndication as WeriftPli, ReceiverEstimatedMaxBitrate as WeriftRemb,
  RtcpPacketConverter, RtcpPayloadSpecificFeedback, RtcpRrPacket, RtcpSrPacket, RtcpSenderInfo, RtcpReceiverInfo,
  RtcpTransportLayerFeedback,
} from "werift";
import {
  GenericNack, MAX_PACKETS_PER_COMPOUND, parseRtcp, PictureLossIndication, ReceiverEstimatedMaxBitrate,
  RtcpParseError, RtcpReceiverReport, RtcpSenderReport, serializeRtcp, walkRtcp,
} from "../../../src/media/rtcp/index.ts";
import { hex, mediaFixture } from "../../support/media-fixtures.ts";

function codeOf(fn: () => unknown): string {
  try { fn(); } catch (e) { if (e instanceof RtcpParseError) return e.code; throw e; }
  return "no error";
}

describe("strict framing: bad input gives a typed error, never a crash", () => {
  test.each([
    ["invalid-rtcp-bad-version.bin", "bad-version"],
    ["invalid-rtcp-truncated.bin", "truncated"],
    ["invalid-rtcp-length-overrun.bin", "bad-length"],
    ["invalid-rtcp-compound-bad-length.bin", "bad-length"],
    ["invalid-rtcp-padding-too-large.bin", "bad-padding"],
    ["invalid-rtcp-rr-count-exceeds.bin", "bad-count"],
    ["invalid-rtcp-sdes-item-overrun.bin", "bad-item"],
    ["invalid-rtcp-trailing-bytes.bin", "truncated"],
  ])("%s -> %s", (file, code) => {
    expect(codeOf(() => parseRtcp(mediaFixture(file)))).toBe(code);
  });

  test("walkRtcp validates without building objects and reports each packet's span", () => {
    const spans: number[][] = [];
    const n = walkRtcp(mediaFixture("rtcp-sr-sdes-compound.bin"), (pt, count, offset, length) => spans.push([pt, count, offset, length]));
    expect(n).toBe(2);
    expect(spans).toEqual([[200, 1, 0, 52], [202, 1, 52, 20]]);
    expect(codeOf(() => walkRtcp(mediaFixture("invalid-rtcp-compound-bad-length.bin"), null))).toBe("bad-length");
  });

  test("more than MAX_PACKETS_PER_COMPOUND packets is refused", () => {
    const many = serializeRtcp(Array.from({ length: MAX_PACKETS_PER_COMPOUND + 1 }, () => new PictureLossIndication(1, 2)));
    expect(codeOf(() => parseRtcp(many))).toBe("too-many-packets");
  });

  test("padding on the last packet of a compound is honoured", () => {
    const padded = hex("80c90001 11223344 a1ce0003 00000001 12345678 00000004");
    const [rr, pli] = parseRtcp(padded);
    expect(rr.type).toBe("rr");
    expect(pli).toEqual(new PictureLossIndication(1, 0x12345678));
  });
});

describe("interoperates with werift's independent RTCP implementation", () => {
  test("werift SR/RR -> ours", () => {
    const sr = new RtcpSrPacket({
      ssrc: 0xaabbccdd,
      senderInfo: new RtcpSenderInfo({ ntpTimestamp: 0x0102030405060708n, rtpTimestamp: 90000, packetCount: 10, octetCount: 12000 }),
      reports: [new RtcpReceiverInfo({ ssrc: 5, fractionLost: 3, packetsLost: 7, highestSequence: 65540, jitter: 9, lsr: 11, dlsr: 13 })],
    });
    const rr = new RtcpRrPacket({ ssrc: 1, reports: [] });
    const [ours, ourRr] = parseRtcp(Buffer.concat([sr.serialize(), rr.serialize()]));
    expect(ours).toEqual(new RtcpSenderReport(0xaabbccdd, 0x01020304, 0x05060708, 90000, 10, 12000,
      [{ ssrc: 5, fractionLost: 3, packetsLost: 7, highestSequence: 65540, jitter: 9, lsr: 11, dlsr: 13 }]));
    expect(ourRr).toEqual(new RtcpReceiverReport(1, []));
  });

  // One packet at a time: werift's REMB parser reads SSRCs up to the end of the whole compound.
  test("our PLI / REMB / NACK -> werift", () => {
    const theirs = [new PictureLossIndication(1, 2), new ReceiverEstimatedMaxBitrate(1, 2_500_000, [0x1234]), new GenericNack(1, 2, [10, 12, 30])]
      .map((p) => RtcpPacketConverter.deSerialize(Buffer.from(p.serialize()))[0]);
    const pli = (theirs[0] as RtcpPayloadSpecificFeedback).feedback as WeriftPli;
    expect([pli.senderSsrc, pli.mediaSsrc]).toEqual([1, 2]);
    const remb = (theirs[1] as RtcpPayloadSpecificFeedback).feedback as WeriftRemb;
    expect(Number(remb.bitrate)).toBe(2_500_000);
    expect(remb.ssrcFeedbacks).toEqual([0x1234]);
    const nack = (theirs[2] as RtcpTransportLayerFeedback).feedback as WeriftNack;
    expect(nack.lost).toEqual([10, 12, 30]);
  });

  test("werift REMB / NACK -> ours", () => {
    const remb = new RtcpPayloadSpecificFeedback({ feedback: new WeriftRemb({ senderSsrc: 7, brExp: 1, brMantissa: 150_000, ssrcNum: 2, ssrcFeedbacks: [8, 9] }) });
    const nack = new RtcpTransportLayerFeedback({ feedback: new WeriftNack({ senderSsrc: 7, mediaSourceSsrc: 8, lost: [1, 2, 3, 100] }) });
    const [r, n] = parseRtcp(Buffer.concat([remb.serialize(), nack.serialize()]));
    expect(r).toEqual(new ReceiverEstimatedMaxBitrate(7, 300_000, [8, 9]));
    expect(n).toEqual(new GenericNack(7, 8, [1, 2, 3, 100]));
  });
});
