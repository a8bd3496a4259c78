import { describe, expect, test } from "bun:test";
import { describeH264Payload, extractNalUnits, H264ParseError, isKeyframe } from "../../../src/media/h264/index.ts";
import { readTimestamp } from "../../../src/media/rtp/index.ts";
import { h264CapturePackets, payloadOf } from "../../support/h264-stream.ts";
import { hex } from "../../support/media-fixtures.ts";

describe("isKeyframe on RFC 6184 payloads", () => {
  test.each([
    ["single IDR slice", "65 88 84", true],
    ["single SPS", "67 42 c0 0d", true],
    ["single P slice", "41 9a 00", false],
    ["single PPS alone", "68 ce 3c 80", false],
    ["STAP-A SPS+PPS", "78 0004 6742c00d 0004 68ce3c80", true],
    ["STAP-A PPS+IDR", "78 0004 68ce3c80 0002 6588", true],
    ["STAP-A of P slices", "78 0002 419a 0002 419b", false],
    ["FU-A start of IDR", "7c 85 88 84", true],
    ["FU-A middle of IDR", "7c 05 88 84", false],
    ["FU-A end of IDR", "7c 45 88", false],
    ["FU-A start of P slice", "5c 81 9a", false],
    ["STAP-A with a size overrunning the payload", "78 00ff 6742", false],
    ["STAP-A with a zero size", "78 0000 6742", false],
    ["empty", "", false],
    ["FU-A without FU header", "7c", false],
  ])("%s -> %p", (_name, payload, expected) => {
    expect(isKeyframe(hex(payload))).toBe(expected);
  });
});

describe("describeH264Payload / extractNalUnits", () => {
  test("STAP-A units are subarrays of the payload (no copy)", () => {
    const p = hex("78 0004 6742c00d 0004 68ce3c80 0002 0605");
    const units = extractNalUnits(p);
    expect(units.map((u) => u.length)).toEqual([4, 4, 2]);
    expect(units[0].buffer).toBe(p.buffer);
    expect(describeH264Payload(p)).toEqual({ packetization: "stap-a", nalTypes: [7, 8, 6], fuStart: false, fuEnd: false, hasIdr: false, hasSps: true, hasPps: true });
  });
  test("FU-A start/end flags and the inner type", () => {
    expect(describeH264Payload(hex("7c 85 88"))).toMatchObject({ packetization: "fu-a", nalTypes: [5], fuStart: true, fuEnd: false, hasIdr: true });
    expect(describeH264Payload(hex("7c 45 88"))).toMatchObject({ fuStart: false, fuEnd: true });
  });
  test.each([["empty", ""], ["forbidden bit", "e5 00"], ["STAP-A overrun", "78 00ff 67"], ["STAP-A trailing byte", "78 0001 67 00"],
    ["empty STAP-A", "78"], ["FU-A too short", "7c 85"], ["FU-A start+end", "7c c5 88"]])("%s is an H264ParseError", (_n, payload) => {
    expect(() => describeH264Payload(hex(payload))).toThrow(H264ParseError);
  });
});

describe("the real capture (tshark: 10 IDR pictures, 73 IDR FU-A packets, SPS/PPS in STAP-A before each IDR)", () => {
  const packets = h264CapturePackets();
  const infos = packets.map((p) => ({ ts: readTimestamp(p), info: describeH264Payload(payloadOf(p)), key: isKeyframe(payloadOf(p)) }));

  test("10 IDR pictures (2 slices each), 73 IDR fragments", () => {
    expect(new Set(infos.filter((x) => x.info.hasIdr).map((x) => x.ts)).size).toBe(10);
    expect(infos.filter((x) => x.info.hasIdr && x.info.fuStart).length).toBe(20);
    expect(infos.filter((x) => x.info.hasIdr).length).toBe(73);
  });
  test("10 STAP-A packets carry SPS+PPS, each right before an IDR of the same timestamp", () => {
    const staps = infos.map((x, i) => ({ ...x, i })).filter((x) => x.info.packetization === "stap-a" && x.info.hasSps && x.info.hasPps);
    expect(staps.length).toBe(10);
    for (const s of staps) expect(infos[s.i + 1]).toMatchObject({ ts: s.ts, info: { hasIdr: true, fuStart: true } });
  });
  test("isKeyframe flags exactly the 10 parameter-set packets and the 20 IDR slice starts", () => {
    expect(infos.filter((x) => x.key).length).toBe(30);
  });
});
