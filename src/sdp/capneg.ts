/**
 * RFC 5939 capability negotiation as answerer (and as the offerer reading an answer): pick the
 * most preferred potential configuration we support — e.g. RTP/AVPF offered through
 * `a=tcap:1 RTP/AVPF` + `a=pcfg:1 t=1` in TS 26.114 video offers — and say so with a=acfg.
 */
import type { ActualConfiguration, CapabilityNegotiation, Crypto, MediaDescription } from "./model.ts";
import { NO_CAPABILITIES } from "./model.ts";
import { parseCryptoAttribute } from "./crypto.ts";

export interface ChosenConfiguration {
  readonly actual: ActualConfiguration;
  /** The offer's m-line as if this configuration had been its actual one. */
  readonly media: MediaDescription;
}

/** Protocol of a transport capability: media level first, then session level. */
function transportOf(id: number, media: CapabilityNegotiation, session: CapabilityNegotiation): string | undefined {
  return (media.transports.find((t) => t.id === id) ?? session.transports.find((t) => t.id === id))?.protocol;
}

function attributeOf(id: number, media: CapabilityNegotiation, session: CapabilityNegotiation): string | undefined {
  return (media.attributes.find((a) => a.id === id) ?? session.attributes.find((a) => a.id === id))?.attribute;
}

/** Applies attribute capabilities this module understands (crypto); undefined if one is not understood. */
function applyAttributes(media: MediaDescription, attributes: readonly string[]): MediaDescription | undefined {
  const crypto: Crypto[] = [];
  for (const a of attributes) {
    const c = a.startsWith("crypto:") ? parseCryptoAttribute(a) : undefined;
    if (!c) return undefined;
    crypto.push(c);
  }
  return crypto.length ? { ...media, crypto: [...crypto, ...media.crypto] } : media;
}

/**
 * The first potential configuration (lowest number = most preferred) whose transport `accept`s,
 * or undefined to answer the m-line's actual configuration.
 */
export function choosePotentialConfiguration(
  media: MediaDescription,
  session: CapabilityNegotiation,
  accept: (candidate: MediaDescription) => boolean,
): ChosenConfiguration | undefined {
  for (const pcfg of media.capabilities.potential) {
    const transports = pcfg.transports.length ? pcfg.transports : [undefined];
    const attributeSets = pcfg.attributeSets.length ? pcfg.attributeSets : [[]];
    for (const t of transports) {
      const protocol = t === undefined ? media.protocol : transportOf(t, media.capabilities, session);
      if (!protocol) continue;
      for (const set of attributeSets) {
        const values = set.map((id) => attributeOf(id, media.capabilities, session));
        if (values.some((v) => v === undefined)) continue;
        const candidate = applyAttributes({ ...media, protocol, capabilities: NO_CAPABILITIES }, values as string[]);
        if (candidate && accept(candidate)) {
          return { actual: { id: pcfg.id, ...(t !== undefined ? { transport: t } : {}), attributes: [...set] }, media: candidate };
        }
      }
    }
  }
  return undefined;
}

/** The protocol an answer's a=acfg selected from our offer's capabilities, if any. */
export function protocolFromAnswer(offer: MediaDescription, session: CapabilityNegotiation, answer: MediaDescription): string {
  const t = answer.capabilities.actual?.transport;
  if (t === undefined) return answer.protocol;
  return transportOf(t, offer.capabilities, session) ?? answer.protocol;
}
