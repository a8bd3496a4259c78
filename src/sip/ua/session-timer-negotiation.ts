/**
 * RFC 4028 session-timer negotiation, independent of message objects: callers pass the parsed header
 * values and apply the returned decision. "refresher" in headers is relative to the transaction that
 * carries it (uac = the side that sent the request); decisions are returned as "local refreshes or not".
 */

export type Refresher = "uac" | "uas";
export interface SessionExpires { seconds: number; refresher: Refresher | null }

export interface SessionTimerOptions {
  /** Session-Expires we ask for / accept at most (s). */
  sessionExpires: number;
  /** Smallest interval we accept (s, >= 90 per RFC 4028 §4). */
  minSE: number;
  /** Who should refresh when we get to choose. */
  preferLocalRefresher: boolean;
}

export const DEFAULT_SESSION_TIMER: SessionTimerOptions = { sessionExpires: 1800, minSE: 90, preferLocalRefresher: true };
/** RFC 4028 §4: no interval may be below 90 s. */
export const ABSOLUTE_MIN_SE = 90;

export class SessionTimerHeaderError extends Error {
  readonly code = "bad-session-timer-header";
}

const DELTA = /^\s*(\d{1,10})\s*(?:;(.*))?$/;

export function parseSessionExpires(value: string): SessionExpires {
  const m = DELTA.exec(value);
  if (!m) throw new SessionTimerHeaderError(`bad Session-Expires: ${value}`);
  const seconds = Number(m[1]);
  if (seconds < 1) throw new SessionTimerHeaderError("Session-Expires must be positive");
  let refresher: Refresher | null = null;
  for (const p of (m[2] ?? "").split(";")) {
    const [k, v] = p.split("=").map((s) => s.trim().toLowerCase());
    if (k === "refresher" && (v === "uac" || v === "uas")) refresher = v;
  }
  return { seconds, refresher };
}

export function formatSessionExpires(se: SessionExpires): string {
  return se.refresher ? `${se.seconds};refresher=${se.refresher}` : String(se.seconds);
}

export function parseMinSE(value: string): number {
  const m = DELTA.exec(value);
  if (!m) throw new SessionTimerHeaderError(`bad Min-SE: ${value}`);
  return Number(m[1]);
}

/** Session-timer facts of a received request or 2xx response. */
export interface TimerHeaders {
  sessionExpires: SessionExpires | null;
  minSE: number | null;
  /** "timer" in Supported (request) or Require (either). */
  timerSupported: boolean;
}

export type UasTimerDecision =
  | { kind: "reject"; minSE: number }                       // 422 with Min-SE
  | { kind: "none" }
  | { kind: "accept"; sessionExpires: SessionExpires; requireTimer: boolean; localRefreshes: boolean };

/** RFC 4028 §9: the UAS side of an INVITE/UPDATE carrying (or not) Session-Expires. */
export function negotiateAsUas(req: TimerHeaders, opts: SessionTimerOptions): UasTimerDecision {
  const ourMin = Math.max(opts.minSE, ABSOLUTE_MIN_SE);
  const theirMin = Math.max(req.minSE ?? ABSOLUTE_MIN_SE, ABSOLUTE_MIN_SE);
  let seconds: number;
  let refresher: Refresher | null = req.sessionExpires?.refresher ?? null;
  if (req.sessionExpires) {
    const asked = req.sessionExpires.seconds;
    if (asked < ourMin) {
      // A UAC without timer support would not understand 422: raise the interval and refresh ourselves.
      if (req.timerSupported) return { kind: "reject", minSE: ourMin };
      seconds = ourMin;
      refresher = "uas";
    } else {
      seconds = Math.min(asked, Math.max(opts.sessionExpires, theirMin, ourMin));
    }
  } else {
    seconds = Math.max(opts.sessionExpires, theirMin, ourMin);
  }
  if (!req.timerSupported) refresher = "uas";
  refresher ??= opts.preferLocalRefresher ? "uas" : "uac";
  return {
    kind: "accept",
    sessionExpires: { seconds, refresher },
    requireTimer: refresher === "uac" || req.timerSupported,
    localRefreshes: refresher === "uas",
  };
}

/** Headers a UAC puts on an INVITE/UPDATE (initial or refresh). `minSE` grows after a 422. */
export function uacTimerRequest(opts: SessionTimerOptions, state: { seconds: number; minSE: number } | null,
  refreshingLocally?: boolean): { sessionExpires: SessionExpires; minSE: number } {
  const minSE = Math.max(state?.minSE ?? opts.minSE, ABSOLUTE_MIN_SE);
  const seconds = Math.max(state?.seconds ?? opts.sessionExpires, minSE);
  // On refreshes the current refresher keeps the role (RFC 4028 §7.4); on the initial request we leave it to the UAS.
  const refresher: Refresher | null = refreshingLocally === undefined ? null : refreshingLocally ? "uac" : "uas";
  return { sessionExpires: { seconds, refresher }, minSE };
}

/** RFC 4028 §7.3: after a 422 the retry asks for at least the Min-SE the peer demands. Null = give up. */
export function retryAfter422(current: { seconds: number; minSE: number }, responseMinSE: number | null): { seconds: number; minSE: number } | null {
  // A Min-SE we already satisfied means the peer is confused: retrying would loop.
  if (responseMinSE === null || responseMinSE <= current.seconds) return null;
  const minSE = Math.max(current.minSE, responseMinSE);
  return { seconds: Math.max(current.seconds, minSE), minSE };
}

export type UacTimerResult = { seconds: number; localRefreshes: boolean } | null;

/** RFC 4028 §7.2: the 2xx decides; no Session-Expires in it means no session timer. */
export function negotiateAsUac(res: TimerHeaders): UacTimerResult {
  if (!res.sessionExpires) return null;
  return { seconds: res.sessionExpires.seconds, localRefreshes: (res.sessionExpires.refresher ?? "uac") === "uac" };
}
