/**
 * A clock that runs `speed` times faster than real time from the moment it is made (so its timestamps stay near
 * today's): protocol timers of tens of seconds (RFC 4028 expiry, Timer B, ring timeouts) fire in a few real seconds.
 */
import { systemClock, type Clock } from "../../src/util/clock.ts";

export function fastClock(speed: number): Clock {
  const origin = systemClock.now();
  return {
    now: () => origin + (systemClock.now() - origin) * speed,
    setTimeout: (fn, ms) => systemClock.setTimeout(fn, ms / speed),
    clearTimeout: (h) => systemClock.clearTimeout(h),
  };
}
