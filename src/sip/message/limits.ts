export interface ParseLimits {
  /** Largest message (UDP datagram or stream frame) accepted, in bytes. */
  maxBytes: number;
  /** Most header lines (after unfolding) accepted. */
  maxHeaders: number;
  /** Longest header line (after unfolding), in characters. */
  maxHeaderLength: number;
}

export const DEFAULT_LIMITS: ParseLimits = { maxBytes: 65535, maxHeaders: 256, maxHeaderLength: 8192 };

export function resolveLimits(limits?: Partial<ParseLimits>): ParseLimits {
  return limits ? { ...DEFAULT_LIMITS, ...limits } : DEFAULT_LIMITS;
}
