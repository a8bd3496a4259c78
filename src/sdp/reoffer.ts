/**
 * Re-offers on a leg (RFC 3264 §8): every m-line of the previous SDP is carried; a stream is
 * removed by port 0 and added back in a port-0 slot of the same kind, else appended.
 */
import type { MediaDescription, SessionDescription } from "./model.ts";
import { emptyMedia } from "./model.ts";
import { SdpError } from "./errors.ts";
import { nextLocalDescription } from "./session-description.ts";

/** Our previous SDP with m-line `index` set to port 0; the version goes up. */
export function withMediaRemoved(previous: SessionDescription, index: number): SessionDescription {
  const m = previous.media[index];
  if (!m) throw new SdpError("bad-media", `no m-line ${index + 1} to remove`);
  const removed: MediaDescription = { ...emptyMedia(m.kind, m.protocol, 0), formats: m.formats.slice(0, 1), mid: m.mid };
  return nextLocalDescription(previous, { ...previous, media: previous.media.map((x, i) => (i === index ? removed : x)) });
}

/** Our previous SDP with `media` added (reusing a disabled m-line of its kind); returns the offer and its index. */
export function withMediaAdded(previous: SessionDescription, added: MediaDescription): { offer: SessionDescription; index: number } {
  const c = added.connection;
  const media = c && c.address === previous.connection?.address ? { ...added, connection: undefined } : added;
  const slot = previous.media.findIndex((m) => m.kind === media.kind && m.port === 0);
  const index = slot >= 0 ? slot : previous.media.length;
  const list = slot >= 0 ? previous.media.map((m, i) => (i === slot ? media : m)) : [...previous.media, media];
  return { offer: nextLocalDescription(previous, { ...previous, media: list }), index };
}
