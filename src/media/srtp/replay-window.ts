/**
 * Sliding replay window over packet indices (RFC 3711 §3.3.2): remembers which of the last `size`
 * indices below the highest one were accepted. Indices are the 48-bit SRTP index or the 31-bit SRTCP index.
 */
export enum ReplayVerdict { Fresh = 0, Replayed = 1, TooOld = 2 }

export const DEFAULT_REPLAY_WINDOW = 128;
export const MAX_REPLAY_WINDOW = 32768;

export class ReplayWindow {
  /** Highest accepted index, -1 before the first packet. */
  highest = -1;
  private readonly bits: Uint32Array;

  constructor(readonly size: number = DEFAULT_REPLAY_WINDOW) {
    assertReplayWindowSize(size);
    this.bits = new Uint32Array(size / 32);
  }

  check(index: number): ReplayVerdict {
    if (index > this.highest) return ReplayVerdict.Fresh;
    if (index < 0 || this.highest - index >= this.size) return ReplayVerdict.TooOld;
    return this.has(index) ? ReplayVerdict.Replayed : ReplayVerdict.Fresh;
  }

  /** Record an index that passed check() and authentication. */
  accept(index: number): void {
    if (index > this.highest) {
      const gap = this.highest < 0 ? this.size : index - this.highest;
      if (gap >= this.size) this.bits.fill(0);
      else for (let i = this.highest + 1; i < index; i++) this.clear(i);
      this.highest = index;
    }
    const bit = index % this.size;
    this.bits[bit >>> 5] |= 1 << (bit & 31);
  }

  private has(index: number): boolean {
    const bit = index % this.size;
    return (this.bits[bit >>> 5] & (1 << (bit & 31))) !== 0;
  }

  private clear(index: number): void {
    const bit = index % this.size;
    this.bits[bit >>> 5] &= ~(1 << (bit & 31));
  }
}

export function assertReplayWindowSize(size: number): void {
  if (!Number.isInteger(size) || size < 64 || size > MAX_REPLAY_WINDOW || size % 32 !== 0) {
    throw new RangeError(`replay window must be a multiple of 32 in 64..${MAX_REPLAY_WINDOW}, got ${size}`);
  }
}
