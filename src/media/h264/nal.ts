/** H.264 NAL unit types (ITU-T H.264 Table 7-1) and the RFC 6184 packetization types. */
export const NalType = {
  Slice: 1,
  SliceA: 2,
  Idr: 5,
  Sei: 6,
  Sps: 7,
  Pps: 8,
  Aud: 9,
  EndOfSequence: 10,
  Filler: 12,
  StapA: 24,
  StapB: 25,
  Mtap16: 26,
  Mtap24: 27,
  FuA: 28,
  FuB: 29,
} as const;

export function nalType(headerByte: number): number {
  return headerByte & 0x1f;
}

/** NAL header byte: forbidden_zero_bit(1) | nal_ref_idc(2) | type(5). */
export function nalHeader(nri: number, type: number): number {
  return ((nri & 3) << 5) | (type & 0x1f);
}
