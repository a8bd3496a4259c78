/** Reading and writing the RFC 4028 headers on messages (negotiation itself is in session-timer-negotiation.ts). */
import type { SipMessage } from "../message/index.ts";
import { hasOptionTag } from "./capabilities.ts";
import {
  formatSessionExpires, parseMinSE, parseSessionExpires, type SessionExpires, type TimerHeaders, type UasTimerDecision,
} from "./session-timer-negotiation.ts";

/** Malformed values count as absent: a bad Session-Expires must not fail the call. */
export function timerHeadersOf(msg: SipMessage): TimerHeaders {
  const se = msg.headers.get("Session-Expires");
  const min = msg.headers.get("Min-SE");
  let sessionExpires: SessionExpires | null = null;
  let minSE: number | null = null;
  try { if (se !== undefined) sessionExpires = parseSessionExpires(se); } catch { /* absent */ }
  try { if (min !== undefined) minSE = parseMinSE(min); } catch { /* absent */ }
  return {
    sessionExpires, minSE,
    timerSupported: hasOptionTag(msg, "Supported", "timer") || hasOptionTag(msg, "Require", "timer"),
  };
}

export function timerRequestHeaders(t: { sessionExpires: SessionExpires; minSE: number }): [string, string][] {
  return [["Session-Expires", formatSessionExpires(t.sessionExpires)], ["Min-SE", String(t.minSE)]];
}

/** Session-Expires (and Require: timer) for a 2xx we send as UAS. */
export function timerAnswerHeaders(decision: UasTimerDecision): [string, string][] {
  if (decision.kind !== "accept") return [];
  const out: [string, string][] = [["Session-Expires", formatSessionExpires(decision.sessionExpires)]];
  if (decision.requireTimer) out.push(["Require", "timer"]);
  return out;
}
