/**
 * H.264 fmtp rules (RFC 6184 §8.1, §8.2.2): profile-level-id compared by profile and level,
 * never as a string; packetization-mode absent = 0; level-asymmetry-allowed.
 */
import type { Codec, FmtpParam } from "./model.ts";
import { fmtpValue, withFmtp } from "./fmtp.ts";

export type H264Profile =
  | "constrained-baseline" | "baseline" | "main" | "extended" | "high" | "constrained-high"
  | "predictive-high-444" | "other";

export interface ProfileLevelId {
  readonly profileIdc: number;
  readonly profileIop: number;
  /** level_idc; level 1b is reported as 9 whatever way it was written. */
  readonly levelIdc: number;
  readonly profile: H264Profile;
}

/** RFC 6184: without profile-level-id, Baseline profile at level 1 is inferred. */
export const DEFAULT_PROFILE_LEVEL_ID = "42000a";
export const LEVEL_1B = 9;

/** [profile_idc, iop mask, iop value, profile] — same table as libwebrtc's h264_profile_level_id. */
const PATTERNS: readonly [number, number, number, H264Profile][] = [
  [0x42, 0x4f, 0x40, "constrained-baseline"], // x1xx0000
  [0x4d, 0x8f, 0x80, "constrained-baseline"], // 1xxx0000
  [0x58, 0xcf, 0xc0, "constrained-baseline"], // 11xx0000
  [0x42, 0x4f, 0x00, "baseline"], // x0xx0000
  [0x58, 0xcf, 0x80, "baseline"], // 10xx0000
  [0x4d, 0xaf, 0x00, "main"], // 0x0x0000
  [0x58, 0x00, 0x00, "extended"],
  [0x64, 0xff, 0x00, "high"],
  [0x64, 0xff, 0x0c, "constrained-high"],
  [0xf4, 0xff, 0x00, "predictive-high-444"],
];

/** Parse a profile-level-id; `undefined` input gives the RFC default; malformed text gives undefined. */
export function parseProfileLevelId(text: string | undefined): ProfileLevelId | undefined {
  const hex = text ?? DEFAULT_PROFILE_LEVEL_ID;
  if (!/^[0-9a-fA-F]{6}$/.test(hex)) return undefined;
  const value = parseInt(hex, 16);
  const profileIdc = value >> 16;
  const profileIop = (value >> 8) & 0xff;
  let levelIdc = value & 0xff;
  const baselineFamily = profileIdc === 0x42 || profileIdc === 0x4d || profileIdc === 0x58;
  if (levelIdc === 11 && baselineFamily && (profileIop & 0x10) !== 0) levelIdc = LEVEL_1B;
  const match = PATTERNS.find(([idc, mask, bits]) => idc === profileIdc && (profileIop & mask) === bits);
  return { profileIdc, profileIop, levelIdc, profile: match ? match[3] : "other" };
}

/** Orders levels; 1b sits between 1 and 1.1. */
export function levelRank(levelIdc: number): number {
  return levelIdc === LEVEL_1B ? 10.5 : levelIdc;
}

export function sameProfile(a: ProfileLevelId, b: ProfileLevelId): boolean {
  if (a.profile !== b.profile) return false;
  return a.profile !== "other" || (a.profileIdc === b.profileIdc && a.profileIop === b.profileIop);
}

/** Text form, lower-case hex; level 1b written the way the profile needs it. */
export function formatProfileLevelId(p: ProfileLevelId): string {
  let iop = p.profileIop;
  let level = p.levelIdc;
  if (level === LEVEL_1B && (p.profileIdc === 0x42 || p.profileIdc === 0x4d || p.profileIdc === 0x58)) {
    level = 11;
    iop |= 0x10;
  }
  return [p.profileIdc, iop, level].map((b) => b.toString(16).padStart(2, "0")).join("");
}

export function profileLevelIdOf(params: readonly FmtpParam[]): ProfileLevelId | undefined {
  return parseProfileLevelId(fmtpValue(params, "profile-level-id"));
}

/** 0 when absent (RFC 6184 §8.1); undefined when not 0, 1 or 2. */
export function packetizationModeOf(params: readonly FmtpParam[]): 0 | 1 | 2 | undefined {
  const v = fmtpValue(params, "packetization-mode");
  if (v === undefined) return 0;
  return v === "0" || v === "1" || v === "2" ? (Number(v) as 0 | 1 | 2) : undefined;
}

export function levelAsymmetryAllowed(params: readonly FmtpParam[]): boolean {
  return fmtpValue(params, "level-asymmetry-allowed") === "1";
}

export function isH264(c: Pick<Codec, "name">): boolean {
  return c.name.toUpperCase() === "H264";
}

export function isConstrainedBaseline(params: readonly FmtpParam[]): boolean {
  return profileLevelIdOf(params)?.profile === "constrained-baseline";
}

/** Same H.264 payload format: same profile and same packetization mode (the level is negotiable). */
export function sameH264Format(a: readonly FmtpParam[], b: readonly FmtpParam[]): boolean {
  const pa = profileLevelIdOf(a);
  const pb = profileLevelIdOf(b);
  const ma = packetizationModeOf(a);
  return pa !== undefined && pb !== undefined && sameProfile(pa, pb) && ma !== undefined && ma === packetizationModeOf(b);
}

export interface H264AnswerOptions {
  /** Highest level we accept to receive; default: whatever was offered. */
  readonly maxLevelIdc?: number;
  /** Our sending stream's parameter sets (base64, comma separated) to pass on. */
  readonly spropParameterSets?: string;
}

/**
 * fmtp of our answer to an offered H.264 format (RFC 6184 §8.2.2): same profile and mode, the
 * level lowered to what we accept unless both sides allow level asymmetry.
 */
export function answerH264Params(offered: readonly FmtpParam[], local: readonly FmtpParam[], opts: H264AnswerOptions = {}): FmtpParam[] {
  const offeredPli = profileLevelIdOf(offered)!;
  const asymmetric = levelAsymmetryAllowed(offered) && levelAsymmetryAllowed(local);
  let level = offeredPli.levelIdc;
  if (opts.maxLevelIdc !== undefined && (asymmetric || levelRank(opts.maxLevelIdc) < levelRank(level))) level = opts.maxLevelIdc;
  const offeredText = fmtpValue(offered, "profile-level-id");
  const pli = offeredText !== undefined && level === offeredPli.levelIdc
    ? offeredText
    : formatProfileLevelId({ ...offeredPli, levelIdc: level });
  let out: FmtpParam[] = [];
  if (offeredText !== undefined || level !== offeredPli.levelIdc) out = withFmtp(out, "profile-level-id", pli);
  const mode = fmtpValue(offered, "packetization-mode");
  if (mode !== undefined) out = withFmtp(out, "packetization-mode", mode);
  if (asymmetric) out = withFmtp(out, "level-asymmetry-allowed", "1");
  if (opts.spropParameterSets) out = withFmtp(out, "sprop-parameter-sets", opts.spropParameterSets);
  return out;
}

/** Decoded sprop-parameter-sets (SPS, PPS ... NAL units); malformed entries skipped. */
export function spropParameterSets(params: readonly FmtpParam[]): Uint8Array[] {
  const v = fmtpValue(params, "sprop-parameter-sets");
  if (!v) return [];
  return v.split(",").filter((s) => /^[A-Za-z0-9+/]+={0,2}$/.test(s)).map((s) => new Uint8Array(Buffer.from(s, "base64")));
}

/** Table A-1 of H.264: max bitrate (kbit/s, Baseline/Main) and frame size (macroblocks) per level. */
const LEVEL_LIMITS: Record<number, { maxBitrateKbps: number; maxFrameMbs: number; maxMbps: number }> = {
  10: { maxBitrateKbps: 64, maxFrameMbs: 99, maxMbps: 1485 },
  9: { maxBitrateKbps: 128, maxFrameMbs: 99, maxMbps: 1485 },
  11: { maxBitrateKbps: 192, maxFrameMbs: 396, maxMbps: 3000 },
  12: { maxBitrateKbps: 384, maxFrameMbs: 396, maxMbps: 6000 },
  13: { maxBitrateKbps: 768, maxFrameMbs: 396, maxMbps: 11880 },
  20: { maxBitrateKbps: 2000, maxFrameMbs: 396, maxMbps: 11880 },
  21: { maxBitrateKbps: 4000, maxFrameMbs: 792, maxMbps: 19800 },
  22: { maxBitrateKbps: 4000, maxFrameMbs: 1620, maxMbps: 20250 },
  30: { maxBitrateKbps: 10000, maxFrameMbs: 1620, maxMbps: 40500 },
  31: { maxBitrateKbps: 14000, maxFrameMbs: 3600, maxMbps: 108000 },
  32: { maxBitrateKbps: 20000, maxFrameMbs: 5120, maxMbps: 216000 },
  40: { maxBitrateKbps: 20000, maxFrameMbs: 8192, maxMbps: 245760 },
  41: { maxBitrateKbps: 50000, maxFrameMbs: 8192, maxMbps: 245760 },
  42: { maxBitrateKbps: 50000, maxFrameMbs: 8704, maxMbps: 522240 },
  50: { maxBitrateKbps: 135000, maxFrameMbs: 22080, maxMbps: 589824 },
  51: { maxBitrateKbps: 240000, maxFrameMbs: 36864, maxMbps: 983040 },
  52: { maxBitrateKbps: 240000, maxFrameMbs: 36864, maxMbps: 2073600 },
};

/** Limits of a level, to cap a browser encoder to what the caller's decoder takes. */
export function h264LevelLimits(levelIdc: number): { maxBitrateKbps: number; maxFrameMbs: number; maxMbps: number } | undefined {
  return LEVEL_LIMITS[levelIdc];
}
