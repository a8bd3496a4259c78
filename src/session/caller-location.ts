/** The caller's location as its INVITE conveyed it (RFC 6442), read once when the session starts. */
import type { SipRequest } from "../sip/message/index.ts";
import { conveyedLocationOf, parsePidfLo, PidfLoError, type CallerLocation } from "../sip/ua/index.ts";

export interface CallerLocationReport {
  location: CallerLocation | null;
  references: string[];
  error?: string;
}

/** null when the INVITE conveys no location at all; otherwise the first PIDF-LO document that reads, and the references. */
export function callerLocationOf(invite: SipRequest): CallerLocationReport | null {
  const { byValue, byReference } = conveyedLocationOf(invite);
  if (byValue.length === 0 && byReference.length === 0) return null;
  const report: CallerLocationReport = { location: null, references: byReference };
  for (const xml of byValue) {
    try {
      return { location: parsePidfLo(xml), references: byReference };
    } catch (err) {
      if (!(err instanceof PidfLoError)) throw err;
      report.error = err.message;
    }
  }
  return report;
}
