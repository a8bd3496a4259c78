/**
 * Entry points for SDP text and the o= line rules of RFC 3264 §8: one origin per leg, the same
 * username/session id/address for the dialog, the version incremented whenever the description changes.
 */
import { randomInt } from "node:crypto";
import { isIPv6 } from "node:net";
import type { AddressType, Origin, SessionDescription } from "./model.ts";
import { parseSessionDescription, type ParseLimits } from "./parser.ts";
import { serializeSessionDescription } from "./writer.ts";

export { DEFAULT_PARSE_LIMITS, type ParseLimits } from "./parser.ts";

/** Parse SDP text. Throws SdpError (never anything else) on malformed or oversized input. */
export function parseSdp(text: string, limits?: Partial<ParseLimits>): SessionDescription {
  return parseSessionDescription(text, limits);
}

/** Write SDP text (CRLF line ends). */
export function serializeSdp(sd: SessionDescription): string {
  return serializeSessionDescription(sd);
}

export function addressTypeOf(address: string): AddressType {
  return isIPv6(address) ? "IP6" : "IP4";
}

/** The origin of a new leg; version starts at the session id's value, as many UAs do, unless given. */
export function createOrigin(opts: { address: string; username?: string; sessionId?: string; version?: bigint }): Origin {
  const sessionId = opts.sessionId ?? String(randomInt(1, 2 ** 47));
  return {
    username: opts.username ?? "avsplit",
    sessionId,
    version: opts.version ?? BigInt(sessionId),
    addressType: addressTypeOf(opts.address),
    address: opts.address,
  };
}

function withOrigin(sd: SessionDescription, origin: Origin): SessionDescription {
  return { ...sd, origin };
}

/**
 * Stamp the o= line of the next description we send on a leg (RFC 3264 §8): same origin as
 * `previous`; version + 1 when anything changed, the same version when the body is identical.
 */
export function nextLocalDescription(previous: SessionDescription | undefined, next: SessionDescription): SessionDescription {
  if (!previous) return next;
  const same = serializeSdp(withOrigin(next, previous.origin)) === serializeSdp(previous);
  return withOrigin(next, { ...previous.origin, version: same ? previous.origin.version : previous.origin.version + 1n });
}

/**
 * Whether a remote description differs from the previous one from the same peer. An unchanged
 * version (and session id) means "nothing changed" — a session refresh, not a modification.
 */
export function isRemoteModification(previous: SessionDescription | undefined, next: SessionDescription): boolean {
  if (!previous) return true;
  return previous.origin.sessionId !== next.origin.sessionId || previous.origin.version !== next.origin.version;
}
