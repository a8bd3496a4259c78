/** Exponent/mantissa bitrate fields: TMMBR/TMMBN (6-bit exp, 17-bit mantissa) and REMB (6-bit exp, 18-bit mantissa). */

/** Largest representable value not above `bps` (rounding down, so a limit is never exceeded). */
export function encodeBitrate(bps: number, mantissaBits: number): { exp: number; mantissa: number } {
  const max = 2 ** mantissaBits - 1;
  let value = Math.max(0, Math.floor(bps));
  let exp = 0;
  while (value > max && exp < 63) {
    value = Math.floor(value / 2);
    exp++;
  }
  return { exp, mantissa: Math.min(value, max) };
}

export function decodeBitrate(exp: number, mantissa: number): number {
  return mantissa * 2 ** exp;
}
