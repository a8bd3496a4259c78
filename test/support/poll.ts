/**
 * Re-evaluates `probe` until it returns a value `accept` likes, or fails after `timeoutMs` with the last value.
 * For outcomes no event announces (browser getStats counters); anything with an event is awaited instead.
 */
export async function pollUntil<T>(probe: () => Promise<T> | T, accept: (v: T) => boolean, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  for (;;) {
    last = await probe();
    if (accept(last)) return last;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last value: ${JSON.stringify(last)}`);
    await Bun.sleep(200);
  }
}
