/** Session descriptions in message bodies: plain application/sdp or a part of multipart/mixed (SDP + PIDF-LO). */
import { mediaType, parseMultipart, type SipMessage } from "../message/index.ts";
import { PIDF_CONTENT_TYPE } from "./pidf-lo.ts";

const decoder = new TextDecoder();
const encoder = new TextEncoder();
export const SDP_TYPE = "application/sdp";

/** The SDP text of a message, or null when it carries none (or the multipart body is malformed). */
export function sdpOf(msg: SipMessage): string | null {
  if (msg.body.length === 0) return null;
  const type = msg.headers.get("Content-Type");
  if (!type) return null;
  if (mediaType(type) === SDP_TYPE) return decoder.decode(msg.body);
  if (mediaType(type).startsWith("multipart/")) {
    try {
      const part = parseMultipart(type, msg.body).find((p) => mediaType(p.contentType) === SDP_TYPE);
      return part ? decoder.decode(part.body) : null;
    } catch {
      return null;
    }
  }
  return null;
}

/** Where a request conveys the caller's location (RFC 6442): PIDF-LO documents by value, and URIs by reference. */
export interface ConveyedLocation {
  /** PIDF-LO texts of the body parts the Geolocation header points at (cid:), or of every application/pidf+xml part when it names none. */
  byValue: string[];
  /** Geolocation URIs that are not body parts (http:, https:, sip:, pres:): to be dereferenced elsewhere. */
  byReference: string[];
}

/** A cid: URI's Content-ID (RFC 2392: %-escaped); a bad escape is taken as written, never thrown. */
function decodeContentId(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

export function conveyedLocationOf(msg: SipMessage): ConveyedLocation {
  const uris = msg.headers.getAll("Geolocation").map((v) => /<([^>]*)>/.exec(v)?.[1]?.trim() ?? "").filter(Boolean);
  const cids = uris.filter((u) => /^cid:/i.test(u)).map((u) => decodeContentId(u.slice(4)));
  const byReference = uris.filter((u) => !/^cid:/i.test(u));
  const type = msg.headers.get("Content-Type");
  if (!type || !mediaType(type).startsWith("multipart/")) {
    const whole = type && mediaType(type) === PIDF_CONTENT_TYPE ? [decoder.decode(msg.body)] : [];
    return { byValue: whole, byReference };
  }
  let parts;
  try {
    parts = parseMultipart(type, msg.body).filter((p) => mediaType(p.contentType) === PIDF_CONTENT_TYPE);
  } catch {
    return { byValue: [], byReference };
  }
  const contentId = (p: (typeof parts)[number]) => p.headers.get("Content-ID")?.replace(/^\s*<|>\s*$/g, "");
  const chosen = cids.length ? parts.filter((p) => cids.includes(contentId(p) ?? "")) : parts;
  return { byValue: chosen.map((p) => decoder.decode(p.body)), byReference };
}

export function textBody(text: string): Uint8Array {
  return encoder.encode(text);
}
