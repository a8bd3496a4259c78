/**
 * Per-SSRC state with a size bound: when full, the least recently used SSRC is evicted.
 * (Receivers only add an SSRC after a packet from it authenticated, so forged SSRCs cannot fill it.)
 */
export const DEFAULT_MAX_SSRCS = 64;

interface Entry<T> { state: T; lastUsed: number }

export class SsrcTable<T> {
  private readonly entries = new Map<number, Entry<T>>();
  private tick = 0;

  constructor(private readonly maxSize: number = DEFAULT_MAX_SSRCS) {
    if (!Number.isInteger(maxSize) || maxSize < 1) throw new RangeError(`maxSsrcs must be >= 1, got ${maxSize}`);
  }

  get size(): number { return this.entries.size; }

  get(ssrc: number): T | undefined {
    const e = this.entries.get(ssrc);
    if (!e) return undefined;
    e.lastUsed = ++this.tick;
    return e.state;
  }

  add(ssrc: number, state: T): T {
    if (this.entries.size >= this.maxSize && !this.entries.has(ssrc)) this.evictLeastRecent();
    this.entries.set(ssrc, { state, lastUsed: ++this.tick });
    return state;
  }

  delete(ssrc: number): boolean { return this.entries.delete(ssrc); }

  clear(): void { this.entries.clear(); }

  private evictLeastRecent(): void {
    let victim = -1;
    let oldest = Infinity;
    for (const [ssrc, e] of this.entries) {
      if (e.lastUsed < oldest) { oldest = e.lastUsed; victim = ssrc; }
    }
    this.entries.delete(victim);
  }
}
