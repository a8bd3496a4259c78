/** Minimal typed event emitter: `class X extends TypedEmitter<{ closed: [reason: string] }>`. */
import { createLogger } from "../observability/log.ts";

const log = createLogger("emitter");
type Listener<A extends unknown[]> = (...args: A) => void;
type AnyListener = (...args: any[]) => void;

export class TypedEmitter<Events extends { [K in keyof Events]: unknown[] }> {
  private listeners = new Map<keyof Events, Set<AnyListener>>();
  /** Listener arrays as emit() walks them, rebuilt only after on/off: emit runs per RTP packet on media paths. */
  private snapshots = new Map<keyof Events, AnyListener[]>();

  on<K extends keyof Events>(event: K, fn: Listener<Events[K]>): this {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(fn as AnyListener);
    this.snapshots.delete(event);
    return this;
  }
  once<K extends keyof Events>(event: K, fn: Listener<Events[K]>): this {
    const wrapper = ((...args: Events[K]) => { this.off(event, wrapper); fn(...args); }) as Listener<Events[K]>;
    return this.on(event, wrapper);
  }
  off<K extends keyof Events>(event: K, fn: Listener<Events[K]>): this {
    this.listeners.get(event)?.delete(fn as AnyListener);
    this.snapshots.delete(event);
    return this;
  }
  /** A throwing listener must not break the emitter's own state machine: errors are reported, not propagated. */
  protected emit<K extends keyof Events>(event: K, ...args: Events[K]): void {
    let list = this.snapshots.get(event);
    if (!list) {
      const set = this.listeners.get(event);
      if (!set) return;
      list = [...set];
      this.snapshots.set(event, list);
    }
    for (const fn of list) {
      try { fn(...args); }
      catch (err) { log.error("event listener threw", { event: String(event), err }); }
    }
  }
  removeAllListeners(): void {
    this.listeners.clear();
    this.snapshots.clear();
  }
}
