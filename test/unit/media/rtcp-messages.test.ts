import { describe, expect, test } from "bun:test";
import {
  compactNtp, FullIntraRequest, GenericNack, ntpFromUnixMs, parseRtcp, PictureLossIndication,
  ReceiverEstimatedMaxBitrate, RtcpApp, RtcpBye, RtcpParseError, RtcpReceiverReport, RtcpSenderReport,
  RtcpSourceDescription, RtcpUnknown, serializeRtcp, Tmmbn, Tmmbr, TransportWideCc, unixMsFromNtp,
} from "../../../src/media/rtcp/index.ts";
import { hex, mediaFixture } from "../../support/media-fixtures.ts";

describe("each RTCP message parses its hand-encoded RFC fixture and serializes back to the same bytes", () => {
  test("SR with one report block + SDES CNAME (compound)", () => {
    const buf = mediaFixture("rtcp-sr-sdes-compound.bin");
    const [sr, sdes] = parseRtcp(buf);
    if (sr.type !== "sr" || sdes.type !== "sdes") throw new Error("wrong types");
    expect([sr.ssrc, sr.ntpSeconds, sr.ntpFraction, sr.rtpTimestamp, sr.packetCount, sr.octetCount])
      .toEqual([0x11223344, 0xe5a0b1c2, 0x80000000, 0x10000, 100, 16000]);
    expect(sr.reports).toEqual([{ ssrc: 0x55667788, fractionLost: 64, packetsLost: -2, highestSequence: 0x1f000, jitter: 32, lsr: 0xb1c28000, dlsr: 0x10000 }]);
    expect(sdes.cname).toBe("avsplit");
    expect(sdes.chunks[0].ssrc).toBe(0x11223344);
    expect(serializeRtcp([sr, sdes])).toEqual(buf);
  });

  test("empty RR + BYE with reason", () => {
    const buf = mediaFixture("rtcp-rr-bye-compound.bin");
    const [rr, bye] = parseRtcp(buf) as [RtcpReceiverReport, RtcpBye];
    expect(rr).toBeInstanceOf(RtcpReceiverReport);
    expect([rr.ssrc, rr.reports.length]).toEqual([0x11223344, 0]);
    expect([bye.ssrcs, bye.reason]).toEqual([[0x11223344], "done"]);
    expect(serializeRtcp([rr, bye])).toEqual(buf);
  });

  const single: [string, string, (p: unknown) => void][] = [
    ["rtcp-pli-reduced-size.bin", "pli", (p) => expect(p).toMatchObject({ senderSsrc: 1, mediaSsrc: 0x12345678 })],
    ["rtcp-fir.bin", "fir", (p) => expect(p).toMatchObject({ senderSsrc: 1, entries: [{ ssrc: 0x12345678, seqNr: 7 }] })],
    ["rtcp-remb.bin", "remb", (p) => expect(p).toMatchObject({ senderSsrc: 1, bitrate: 1_000_000, ssrcs: [0x12345678] })],
    ["rtcp-nack.bin", "nack", (p) => expect(p).toMatchObject({ mediaSsrc: 0x12345678, lost: [100, 101, 103] })],
    ["rtcp-tmmbr.bin", "tmmbr", (p) => expect(p).toMatchObject({ entries: [{ ssrc: 0x12345678, bitrate: 384_000, overhead: 40 }] })],
    ["rtcp-tmmbn.bin", "tmmbn", (p) => expect(p).toMatchObject({ entries: [{ ssrc: 0x12345678, bitrate: 384_000, overhead: 40 }] })],
    ["rtcp-app.bin", "app", (p) => expect(p).toMatchObject({ subtype: 1, ssrc: 0x11223344, name: "TEST", data: hex("deadbeef") })],
  ];
  test.each(single)("%s is a %s", (file, type, check) => {
    const buf = mediaFixture(file);
    const packets = parseRtcp(buf);
    expect(packets.length).toBe(1);
    expect(packets[0].type).toBe(type as never);
    check(packets[0]);
    expect(packets[0].serialize()).toEqual(buf);
  });

  test("deSerialize of the wrong class or feedback format is a typed error", () => {
    expect(() => RtcpSenderReport.deSerialize(mediaFixture("rtcp-pli-reduced-size.bin"))).toThrow(RtcpParseError);
    expect(() => FullIntraRequest.deSerialize(mediaFixture("rtcp-pli-reduced-size.bin"))).toThrow(RtcpParseError);
    expect(() => Tmmbr.deSerialize(mediaFixture("rtcp-tmmbn.bin"))).toThrow(RtcpParseError);
  });
});

describe("building messages", () => {
  test("NACK packs runs into PID+BLP and handles the sequence wrap", () => {
    const nack = new GenericNack(1, 2, [65534, 65535, 0, 5, 40]);
    const bytes = nack.serialize();
    expect(bytes.subarray(12)).toEqual(hex("fffe 0043 0028 0000")); // 65534 + bits for 65535(1),0(2),5(7); then 40
    expect(GenericNack.deSerialize(bytes).lost).toEqual([65534, 65535, 0, 5, 40]);
  });

  test("TMMBR rounds the bitrate down to what exp/mantissa can carry (a limit is never exceeded)", () => {
    const t = Tmmbr.deSerialize(new Tmmbr(9, [{ ssrc: 3, bitrate: 1_234_567, overhead: 60 }]).serialize());
    expect(t.entries[0].bitrate).toBeLessThanOrEqual(1_234_567);
    expect(t.entries[0].bitrate).toBeGreaterThan(1_234_567 - 16);
    expect(t.entries[0].overhead).toBe(60);
  });

  test("REMB carries multi-Gbit rates (exp up to 63)", () => {
    const r = ReceiverEstimatedMaxBitrate.deSerialize(new ReceiverEstimatedMaxBitrate(1, 5e10, [1, 2]).serialize());
    expect(r.bitrate / 5e10).toBeGreaterThan(0.9999);
    expect(r.ssrcs).toEqual([1, 2]);
  });

  test("SR/RR/SDES/BYE/PLI/FIR/TWCC/unknown round-trip in one compound", () => {
    const packets = [
      new RtcpSenderReport(1, 2, 3, 4, 5, 6, [{ ssrc: 7, fractionLost: 0, packetsLost: 8388607, highestSequence: 9, jitter: 10, lsr: 11, dlsr: 12 }]),
      new RtcpSourceDescription([{ ssrc: 1, items: [{ type: 1, text: "x".repeat(255) }, { type: 6, text: "avsplit ü" }] }, { ssrc: 2, items: [] }]),
      new RtcpBye([1, 2, 3]),
      new PictureLossIndication(1, 2),
      new FullIntraRequest(1, [{ ssrc: 2, seqNr: 255 }, { ssrc: 3, seqNr: 0 }]),
      new TransportWideCc(1, 2, hex("00010002 20020000")),
      new RtcpApp(31, 1, "ABCD"),
    ];
    const parsed = parseRtcp(serializeRtcp(packets));
    expect(parsed).toEqual(packets);
    const unknown = hex("80d00001 01020304"); // PT 208
    const [u] = parseRtcp(unknown);
    expect(u).toBeInstanceOf(RtcpUnknown);
    expect(u.serialize()).toEqual(unknown);
  });
});

describe("NTP helpers", () => {
  test("unix ms <-> NTP and the compact LSR form", () => {
    const ntp = ntpFromUnixMs(1_700_000_000_500);
    expect(ntp.seconds).toBe(3_908_988_800);
    expect(ntp.fraction).toBe(0x80000000);
    expect(unixMsFromNtp(ntp.seconds, ntp.fraction)).toBe(1_700_000_000_500);
    expect(compactNtp(0x1234abcd, 0xef015678)).toBe(0xabcdef01);
  });
});

describe("RTCP padding", () => {
  test("opaque data that is not a multiple of 4 bytes is sent with RTCP padding and parses back", () => {
    const app = new RtcpApp(0, 1, "ABCD", hex("010203"));
    const bytes = app.serialize();
    expect(bytes).toEqual(hex("a0cc0003 00000001 41424344 01020301"));
    expect(parseRtcp(bytes)).toEqual([app]);
    const sr = new RtcpSenderReport(1, 2, 3, 4, 5, 6, [], hex("aabb"));
    expect(parseRtcp(sr.serialize())).toEqual([sr]);
  });
});
