/** Session descriptions in message bodies: plain application/sdp or a part of multipart/mixed (SDP + PIDF-LO). */
import { mediaType, parseMultipart, type SipMessage } from "../message/index.ts";

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

export function textBody(text: string): Uint8Array {
  return encoder.encode(text);
}
