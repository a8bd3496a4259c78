/** Time source for every timer in the protocol layers, so tests can drive timers with FakeClock. */
export interface TimerHandle { readonly id: number }

export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle | undefined): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout(fn, ms) {
    const t = setTimeout(fn, ms);
    return { id: Number(t), t } as TimerHandle & { t: ReturnType<typeof setTimeout> };
  },
  clearTimeout(handle) {
    if (handle) clearTimeout((handle as TimerHandle & { t: ReturnType<typeof setTimeout> }).t);
  },
};
