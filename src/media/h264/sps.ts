/** Sequence parameter set (H.264 §7.3.2.1.1): profile, level, id and cropped picture size. */
import { BitReader, toRbsp } from "./bit-reader.ts";
import { H264ParseError } from "./errors.ts";
import { NalType, nalType } from "./nal.ts";

export interface SpsInfo {
  profileIdc: number;
  /** constraint_set0..5 flags + reserved bits, as the second byte of profile-level-id. */
  constraintFlags: number;
  levelIdc: number;
  /** Lower-case hex as in SDP `profile-level-id`, e.g. "42e01f". */
  profileLevelId: string;
  spsId: number;
  chromaFormatIdc: number;
  width: number;
  height: number;
  frameMbsOnly: boolean;
}

const HIGH_PROFILES = new Set([100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135]);
const MAX_DIMENSION_MBS = 1024; // 16384 px: beyond any level in Table A-1

function skipScalingList(r: BitReader, size: number): void {
  let last = 8;
  let next = 8;
  for (let j = 0; j < size; j++) {
    if (next !== 0) next = (last + r.se() + 256) % 256;
    last = next === 0 ? last : next;
  }
}

/** `nal` starts with the NAL header byte. Throws H264ParseError. */
export function parseSps(nal: Uint8Array): SpsInfo {
  if (nal.length < 4) throw new H264ParseError("truncated", "SPS shorter than 4 bytes");
  if (nalType(nal[0]) !== NalType.Sps) throw new H264ParseError("bad-sps", `NAL type ${nalType(nal[0])} is not an SPS`);
  const r = new BitReader(toRbsp(nal.subarray(1)));
  const profileIdc = r.u(8);
  const constraintFlags = r.u(8);
  const levelIdc = r.u(8);
  const spsId = r.ue();
  if (spsId > 31) throw new H264ParseError("bad-sps", "seq_parameter_set_id > 31");
  let chromaFormatIdc = 1;
  let separateColourPlane = false;
  if (HIGH_PROFILES.has(profileIdc)) {
    chromaFormatIdc = r.ue();
    if (chromaFormatIdc > 3) throw new H264ParseError("bad-sps", "chroma_format_idc > 3");
    if (chromaFormatIdc === 3) separateColourPlane = r.flag();
    r.ue(); // bit_depth_luma_minus8
    r.ue(); // bit_depth_chroma_minus8
    r.u(1); // qpprime_y_zero_transform_bypass_flag
    if (r.flag()) {
      const lists = chromaFormatIdc !== 3 ? 8 : 12;
      for (let k = 0; k < lists; k++) if (r.flag()) skipScalingList(r, k < 6 ? 16 : 64);
    }
  }
  r.ue(); // log2_max_frame_num_minus4
  const pocType = r.ue();
  if (pocType === 0) r.ue();
  else if (pocType === 1) {
    r.u(1);
    r.se();
    r.se();
    const cycle = r.ue();
    if (cycle > 255) throw new H264ParseError("bad-sps", "num_ref_frames_in_pic_order_cnt_cycle > 255");
    for (let k = 0; k < cycle; k++) r.se();
  } else if (pocType !== 2) throw new H264ParseError("bad-sps", "pic_order_cnt_type > 2");
  r.ue(); // max_num_ref_frames
  r.u(1); // gaps_in_frame_num_value_allowed_flag
  const widthMbs = r.ue() + 1;
  const heightMapUnits = r.ue() + 1;
  if (widthMbs > MAX_DIMENSION_MBS || heightMapUnits > MAX_DIMENSION_MBS) throw new H264ParseError("bad-sps", "picture size out of range");
  const frameMbsOnly = r.flag();
  if (!frameMbsOnly) r.u(1); // mb_adaptive_frame_field_flag
  r.u(1); // direct_8x8_inference_flag
  let width = widthMbs * 16;
  let height = (frameMbsOnly ? 1 : 2) * heightMapUnits * 16;
  if (r.flag()) {
    const [left, right, top, bottom] = [r.ue(), r.ue(), r.ue(), r.ue()];
    const chromaArrayType = separateColourPlane ? 0 : chromaFormatIdc;
    const subWidthC = chromaArrayType === 3 ? 1 : 2;
    const subHeightC = chromaArrayType === 1 ? 2 : 1;
    const cropX = chromaArrayType === 0 ? 1 : subWidthC;
    const cropY = (chromaArrayType === 0 ? 1 : subHeightC) * (frameMbsOnly ? 1 : 2);
    width -= cropX * (left + right);
    height -= cropY * (top + bottom);
    if (width <= 0 || height <= 0) throw new H264ParseError("bad-sps", "cropping larger than the picture");
  }
  const hex = (v: number) => v.toString(16).padStart(2, "0");
  return {
    profileIdc, constraintFlags, levelIdc, profileLevelId: hex(profileIdc) + hex(constraintFlags) + hex(levelIdc),
    spsId, chromaFormatIdc, width, height, frameMbsOnly,
  };
}
