/** Several independent limits on one sender (TMMBR, REMB, b=AS, caller level...): the effective limit is the smallest. */
import { TypedEmitter } from "../../util/typed-emitter.ts";

const MAX_SOURCES = 32;

export class BitrateConstraints extends TypedEmitter<{ change: [limit: number | null] }> {
  private readonly limits = new Map<string, number>();
  private current: number | null = null;

  /** bits/s; null (or a non-positive/NaN value) removes the constraint. Emits "change" when the minimum moves. */
  set(source: string, bps: number | null): void {
    if (bps === null || !(bps > 0)) this.limits.delete(source);
    else if (this.limits.has(source) || this.limits.size < MAX_SOURCES) this.limits.set(source, bps);
    else throw new RangeError("too many bitrate constraint sources");
    let min: number | null = null;
    for (const v of this.limits.values()) if (min === null || v < min) min = v;
    if (min !== this.current) {
      this.current = min;
      this.emit("change", min);
    }
  }

  get limit(): number | null { return this.current; }

  /** Which source currently sets the limit (first one on a tie). */
  get bindingSource(): string | null {
    for (const [k, v] of this.limits) if (v === this.current) return k;
    return null;
  }
}
