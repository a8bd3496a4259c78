import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import {
  extractNalUnits, formatSpropParameterSets, H264ParseError, NalType, parseSps, parseSpropParameterSets, toRbsp, BitReader,
} from "../../../src/media/h264/index.ts";
import { RtpHeaderView } from "../../../src/media/rtp/index.ts";
import { readPcapFile } from "../../support/pcap.ts";
import { hex, MEDIA_FIXTURES, mediaFixture } from "../../support/media-fixtures.ts";

function pcapParameterSets(): { sps: Uint8Array; pps: Uint8Array } {
  const v = new RtpHeaderView();
  for (const d of readPcapFile(join(MEDIA_FIXTURES, "h264_rtp.pcap"))) {
    v.wrap(d.payload);
    const units = extractNalUnits(d.payload.subarray(v.payloadOffset, v.payloadOffset + v.payloadLength));
    const sps = units.find((u) => (u[0] & 0x1f) === NalType.Sps);
    const pps = units.find((u) => (u[0] & 0x1f) === NalType.Pps);
    if (sps && pps) return { sps, pps };
  }
  throw new Error("no SPS/PPS in capture");
}

describe("parseSps (cross-checked with tshark's H.264 dissector and the ffmpeg encode settings)", () => {
  test("the capture's stream is 352x288 Constrained Baseline level 1.3", () => {
    const info = parseSps(pcapParameterSets().sps);
    expect(info).toMatchObject({ width: 352, height: 288, profileIdc: 66, levelIdc: 13, profileLevelId: "42c00d", frameMbsOnly: true });
  });
  test("High profile 1920x1080: 1088 coded lines cropped to 1080", () => {
    expect(parseSps(mediaFixture("sps-high-1920x1080.bin"))).toMatchObject({ width: 1920, height: 1080, profileIdc: 100, chromaFormatIdc: 1, profileLevelId: "640028" });
  });
  test("Baseline 640x360 (cropped from 368)", () => {
    expect(parseSps(mediaFixture("sps-baseline-640x360.bin"))).toMatchObject({ width: 640, height: 360, profileLevelId: "42c01e" });
  });
  test("Main profile interlaced 720x576 (field pairs: map units are 2 macroblock rows)", () => {
    expect(parseSps(mediaFixture("sps-main-interlaced-720x576.bin"))).toMatchObject({ width: 720, height: 576, frameMbsOnly: false, profileIdc: 77 });
  });
  test("truncated, wrong-type and absurd SPS are typed errors", () => {
    const sps = mediaFixture("sps-high-1920x1080.bin");
    for (let n = 0; n < 8; n++) expect(() => parseSps(sps.subarray(0, n))).toThrow(H264ParseError);
    for (let n = 8; n < sps.length; n++) { // cut inside the VUI (not read) or earlier: same answer or a typed error
      try { expect(parseSps(sps.subarray(0, n))).toMatchObject({ width: 1920, height: 1080 }); }
      catch (e) { expect(e).toBeInstanceOf(H264ParseError); }
    }
    expect(() => parseSps(hex("68ce3c80"))).toThrow(H264ParseError); // a PPS
    expect(() => parseSps(hex("6742c01e 00000000 00000000"))).toThrow(H264ParseError); // Exp-Golomb > 32 bits
  });
});

describe("RBSP and Exp-Golomb", () => {
  test("emulation prevention bytes are removed", () => {
    expect(toRbsp(hex("00000301 00000300 0104"))).toEqual(hex("000001 000000 0104"));
  });
  test("ue/se codes", () => {
    const r = new BitReader(hex("a6 42 80")); // 1 010 011 00100 00101 0000000
    expect([r.ue(), r.ue(), r.ue(), r.ue(), r.se()]).toEqual([0, 1, 2, 3, -2]);
  });
});

describe("sprop-parameter-sets", () => {
  test("round-trips the capture's SPS and PPS", () => {
    const { sps, pps } = pcapParameterSets();
    const sprop = formatSpropParameterSets([sps, pps]);
    expect(sprop).toMatch(/^Z0LADd[A-Za-z0-9+/=]+,aM[A-Za-z0-9+/=]+$/);
    expect(parseSpropParameterSets(sprop)).toEqual([sps, pps]);
  });
  test("garbage is a typed error", () => {
    expect(() => parseSpropParameterSets("Z0LA*,aM4=")).toThrow(H264ParseError);
    expect(() => parseSpropParameterSets("gA==")).toThrow(H264ParseError); // forbidden_zero_bit set
  });
});
