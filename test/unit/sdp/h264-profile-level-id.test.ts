import { describe, expect, test } from "bun:test";
import {
  answerH264Params, formatProfileLevelId, h264LevelLimits, isConstrainedBaseline, LEVEL_1B, packetizationModeOf,
  parseProfileLevelId, sameFormat, sameH264Format, sameProfile, spropParameterSets,
} from "../../../src/sdp/index.ts";

const p = (v: string | undefined) => parseProfileLevelId(v)!;
const params = (fmtp: Record<string, string>) => Object.entries(fmtp).map(([key, value]) => ({ key, value }));

describe("profile-level-id parsing", () => {
  test.each([
    ["42e01f", "constrained-baseline", 31],
    ["42E01F", "constrained-baseline", 31],
    ["42e00c", "constrained-baseline", 12],
    ["42C00C", "constrained-baseline", 12],
    ["42c01f", "constrained-baseline", 31],
    ["4d801f", "constrained-baseline", 31],
    ["58c01e", "constrained-baseline", 30],
    ["42001f", "baseline", 31],
    ["42801F", "baseline", 31],
    ["58801e", "baseline", 30],
    ["4d001f", "main", 31],
    ["640c1f", "constrained-high", 31],
    ["640032", "high", 50],
    ["f4001f", "predictive-high-444", 31],
    ["6e001f", "other", 31],
  ] as const)("%s is %s level_idc %d", (text, profile, level) => {
    expect(p(text).profile).toBe(profile);
    expect(p(text).levelIdc).toBe(level);
  });

  test("absent profile-level-id means Baseline level 1 (RFC 6184 §8.1)", () => {
    expect(p(undefined)).toEqual({ profileIdc: 0x42, profileIop: 0, levelIdc: 10, profile: "baseline" });
  });

  test("level 1b: level_idc 11 with constraint_set3 in the baseline family, idc 9 otherwise", () => {
    expect(p("42f00b").levelIdc).toBe(LEVEL_1B);
    expect(p("42e00b").levelIdc).toBe(11);
    expect(formatProfileLevelId({ ...p("42e01f"), levelIdc: LEVEL_1B })).toBe("42f00b");
  });

  test.each(["", "42e0", "42e01fff", "zzzzzz", "42 e01"])("malformed %p gives undefined", (text) => {
    expect(parseProfileLevelId(text)).toBeUndefined();
  });
});

describe("profile comparison by profile, not by string", () => {
  test.each([
    ["42e00c", "42C00C", true],
    ["42e00c", "42e01f", true],
    ["42e01f", "4d801f", true],
    ["42e01f", "42001f", false],
    ["42001f", "42801F", true],
    ["42e01f", "4d001f", false],
    ["640c1f", "640032", false],
  ] as const)("%s vs %s -> %p", (a, b, same) => {
    expect(sameProfile(p(a), p(b))).toBe(same);
  });

  test("absent profile-level-id equals an explicit baseline level 1", () => {
    expect(sameProfile(p(undefined), p("42000a"))).toBe(true);
    expect(sameProfile(p(undefined), p("42e01f"))).toBe(false);
  });
});

describe("packetization-mode and format identity", () => {
  test("absent packetization-mode is 0; garbage is not a mode", () => {
    expect(packetizationModeOf([])).toBe(0);
    expect(packetizationModeOf(params({ "packetization-mode": "1" }))).toBe(1);
    expect(packetizationModeOf(params({ "packetization-mode": "7" }))).toBeUndefined();
  });

  test("mode 0 and mode 1 are different formats, whatever the level", () => {
    expect(sameH264Format(params({ "profile-level-id": "42e00c" }), params({ "profile-level-id": "42e01f", "packetization-mode": "0" }))).toBe(true);
    expect(sameH264Format(params({ "profile-level-id": "42e00c" }), params({ "profile-level-id": "42e00c", "packetization-mode": "1" }))).toBe(false);
  });

  test("sameFormat compares names case-insensitively and checks AMR octet-align", () => {
    expect(sameFormat({ name: "h264", clockRate: 90000, params: params({ "profile-level-id": "42C01F", "packetization-mode": "1" }) },
      { name: "H264", clockRate: 90000, params: params({ "profile-level-id": "42e01f", "packetization-mode": "1" }) })).toBe(true);
    expect(sameFormat({ name: "AMR-WB", clockRate: 16000, params: params({ "octet-align": "1" }) }, { name: "AMR-WB", clockRate: 16000 })).toBe(false);
    expect(sameFormat({ name: "opus", clockRate: 48000, channels: 2 }, { name: "opus", clockRate: 48000 })).toBe(false);
  });

  test("Constrained Baseline detection uses the constraint-set flags", () => {
    expect(isConstrainedBaseline(params({ "profile-level-id": "42e00c" }))).toBe(true);
    expect(isConstrainedBaseline(params({ "profile-level-id": "42000c" }))).toBe(false);
    expect(isConstrainedBaseline([])).toBe(false);
  });
});

describe("H.264 answer parameters (RFC 6184 §8.2.2)", () => {
  test("keeps the offered profile text and mode, passes our sprop-parameter-sets", () => {
    const out = answerH264Params(params({ "packetization-mode": "0", "profile-level-id": "42e00c" }), [], { spropParameterSets: "Z0Lg,aM4=" });
    expect(out).toEqual(params({ "profile-level-id": "42e00c", "packetization-mode": "0", "sprop-parameter-sets": "Z0Lg,aM4=" }));
  });

  test("lowers the level to ours without level asymmetry", () => {
    expect(answerH264Params(params({ "profile-level-id": "42e01f" }), [], { maxLevelIdc: 12 })).toEqual(params({ "profile-level-id": "42e00c" }));
    expect(answerH264Params(params({ "profile-level-id": "42e00c" }), [], { maxLevelIdc: 31 })).toEqual(params({ "profile-level-id": "42e00c" }));
  });

  test("with level-asymmetry-allowed on both sides states our own receive level", () => {
    const local = params({ "level-asymmetry-allowed": "1" });
    const out = answerH264Params(params({ "profile-level-id": "42e00c", "level-asymmetry-allowed": "1" }), local, { maxLevelIdc: 31 });
    expect(out).toEqual(params({ "profile-level-id": "42e01f", "level-asymmetry-allowed": "1" }));
  });

  test("sprop-parameter-sets decode to SPS and PPS NAL units", () => {
    const [sps, pps] = spropParameterSets(params({ "sprop-parameter-sets": "J0LgDJWgUH6Af1A=,KM46gA==" }));
    expect(sps[0] & 0x1f).toBe(7);
    expect(pps[0] & 0x1f).toBe(8);
  });

  test("level limits cap a browser encoder to the caller's level", () => {
    expect(h264LevelLimits(12)?.maxBitrateKbps).toBe(384);
    expect(h264LevelLimits(31)?.maxFrameMbs).toBe(3600);
  });
});
