/** Per-source token buckets (like Kamailio's pike), in a table bounded to maxSources entries (LRU eviction). */
import type { Clock } from "../../util/clock.ts";
import { systemClock } from "../../util/clock.ts";

export interface RateLimitOptions {
  /** Sustained requests per second allowed per source. */
  rate: number;
  /** Bucket size: requests a source may send at once. */
  burst: number;
  /** Max sources tracked; the least recently seen one is evicted beyond it. */
  maxSources?: number;
}

interface Bucket { tokens: number; updated: number }

export class SourceRateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly maxSources: number;

  constructor(private readonly opts: RateLimitOptions, private readonly clock: Clock = systemClock) {
    if (!(opts.rate > 0) || !(opts.burst >= 1)) throw new RangeError("rate limit needs rate > 0 and burst >= 1");
    this.maxSources = opts.maxSources ?? 10_000;
  }

  /** Take one token for source; false when the source is over its limit. */
  allow(source: string): boolean {
    const now = this.clock.now();
    let bucket = this.buckets.get(source);
    if (bucket) {
      this.buckets.delete(source);        // re-insert below: Map order = recency
      bucket.tokens = Math.min(this.opts.burst, bucket.tokens + ((now - bucket.updated) / 1000) * this.opts.rate);
      bucket.updated = now;
    } else {
      if (this.buckets.size >= this.maxSources) this.buckets.delete(this.buckets.keys().next().value as string);
      bucket = { tokens: this.opts.burst, updated: now };
    }
    this.buckets.set(source, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  get size(): number { return this.buckets.size; }
  clear(): void { this.buckets.clear(); }
}
