/** Bits per second between two successive samples of a byte counter. */
export class BitrateMeter {
  private lastBytes = 0;
  private lastAt = -1;
  bps = 0;

  sample(bytes: number, nowMs: number): number {
    if (this.lastAt >= 0 && nowMs > this.lastAt) this.bps = Math.round(((bytes - this.lastBytes) * 8000) / (nowMs - this.lastAt));
    this.lastBytes = bytes;
    this.lastAt = nowMs;
    return this.bps;
  }
}
