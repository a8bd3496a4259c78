/** Awaiting emitter events in tests with a bound, instead of sleeping. */
import type { TypedEmitter } from "../../../../src/util/typed-emitter.ts";

/**
 * Resolves with the arguments of the first `event` for which `match` holds; rejects after `timeoutMs`.
 */
export function waitForEvent<E extends { [K in keyof E]: unknown[] }, K extends keyof E>(
  emitter: TypedEmitter<E>, event: K, timeoutMs: number, match: (...args: E[K]) => boolean = () => true,
): Promise<E[K]> {
  return new Promise((resolve, reject) => {
    const listener = (...args: E[K]) => {
      if (!match(...args)) return;
      clearTimeout(timer);
      emitter.off(event, listener);
      resolve(args);
    };
    const timer = setTimeout(() => {
      emitter.off(event, listener);
      reject(new Error(`no "${String(event)}" event within ${timeoutMs} ms`));
    }, timeoutMs);
    emitter.on(event, listener);
  });
}
