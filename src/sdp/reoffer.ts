/**
 * Re-offers on a leg (RFC 3264 §8), built from the last SDP we sent there (offer or answer): every
 * m-line is carried; a stream is removed by port 0 and added back in a port-0 slot of the same kind,
 * else appended. A configuration taken through RFC 5939 becomes the actual one: the m-line keeps the
 * negotiated protocol and loses a=acfg, which belongs in answers only.
 */
import type { MediaDescription, SessionDescription } from "./model.ts";
import { emptyMedia, NO_CAPABILITIES } from "./model.ts";
import { SdpError } from "./errors.ts";
import { nextLocalDescription } from "./session-description.ts";

function asOffer(previous: SessionDescription, media: readonly MediaDescription[]): SessionDescription {
  return {
    ...previous,
    media: media.map((m) => (m.capabilities.actual ? { ...m, capabilities: { ...m.capabilities, actual: undefined } } : m)),
  };
}

/** The same session offered again (session refresh, or an offer for a re-INVITE that came without SDP). */
export function reofferUnchanged(previous: SessionDescription): SessionDescription {
  return nextLocalDescription(previous, asOffer(previous, previous.media));
}

/** Our previous SDP with m-line `index` set to port 0; the version goes up. */
export function withMediaRemoved(previous: SessionDescription, index: number): SessionDescription {
  const m = previous.media[index];
  if (!m) throw new SdpError("bad-media", `no m-line ${index + 1} to remove`);
  const removed: MediaDescription = { ...emptyMedia(m.kind, m.protocol, 0), formats: m.formats.slice(0, 1), mid: m.mid, capabilities: NO_CAPABILITIES };
  return nextLocalDescription(previous, asOffer(previous, previous.media.map((x, i) => (i === index ? removed : x))));
}

/** Our previous SDP with `added` (reusing a disabled m-line of its kind); returns the offer and its index. */
export function withMediaAdded(previous: SessionDescription, added: MediaDescription): { offer: SessionDescription; index: number } {
  const c = added.connection;
  const media = c && c.address === previous.connection?.address ? { ...added, connection: undefined } : added;
  const slot = previous.media.findIndex((m) => m.kind === media.kind && m.port === 0);
  const index = slot >= 0 ? slot : previous.media.length;
  const list = slot >= 0 ? previous.media.map((m, i) => (i === slot ? media : m)) : [...previous.media, media];
  return { offer: nextLocalDescription(previous, asOffer(previous, list)), index };
}
