/** What this UA implements, and the RFC 3261 §8.2.2 checks that follow from it. */
import type { SipMessage, SipRequest } from "../message/index.ts";

/** Methods with a full implementation (Allow). */
export const ALLOWED_METHODS = ["INVITE", "ACK", "BYE", "CANCEL", "OPTIONS", "PRACK", "UPDATE", "INFO", "REFER", "NOTIFY"] as const;
/** Standard methods we recognise but do not accept here: 405 with Allow; anything else is 501. */
const RECOGNISED_METHODS = new Set<string>([...ALLOWED_METHODS, "REGISTER", "SUBSCRIBE", "PUBLISH", "MESSAGE"]);

export const ALLOW_HEADER = ALLOWED_METHODS.join(", ");
export const ACCEPT_HEADER = "application/sdp, application/dtmf-relay, message/sipfrag, multipart/mixed";

export function supportedOptions(sessionTimers: boolean): string[] {
  return sessionTimers ? ["100rel", "timer"] : ["100rel"];
}

export function isRecognisedMethod(method: string): boolean {
  return RECOGNISED_METHODS.has(method);
}

/** Option tags in a Supported/Require header, lower-cased. */
export function optionTags(msg: SipMessage, header: "Supported" | "Require"): string[] {
  return msg.headers.getAll(header).map((t) => t.trim().toLowerCase()).filter((t) => t.length > 0);
}

export function hasOptionTag(msg: SipMessage, header: "Supported" | "Require", tag: string): boolean {
  return optionTags(msg, header).includes(tag);
}

/** §8.2.2.3: Require tags we do not support (CANCEL and ACK are exempt). */
export function unsupportedRequired(req: SipRequest, supported: readonly string[]): string[] {
  if (req.method === "ACK" || req.method === "CANCEL") return [];
  return optionTags(req, "Require").filter((t) => !supported.includes(t));
}

/** True when the peer advertised the method in Allow (absent Allow: unknown, assume not). */
export function peerAllows(msg: SipMessage | undefined, method: string): boolean {
  return !!msg && msg.headers.getAll("Allow").some((m) => m.trim().toUpperCase() === method);
}
