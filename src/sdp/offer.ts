/** Offers we originate (e.g. adding video to a voice call) and reading the answer to them. */
import type { Bandwidth, Codec, Crypto, Direction, ImageAttr, MediaDescription, RtcpFeedback, SessionDescription } from "./model.ts";
import { effectiveDirection, emptyMedia, mirrorDirection, NO_CAPABILITIES } from "./model.ts";
import { intersectFeedback, isTelephoneEvent, sameFormat, STATIC_PAYLOAD_TYPES, type CodecSpec } from "./codecs.ts";
import { SdpError } from "./errors.ts";
import { protocolFromAnswer } from "./capneg.ts";
import { addressTypeOf } from "./session-description.ts";
import { remoteTransport } from "./offer-answer.ts";
import type { LocalTransport, NegotiatedStream } from "./negotiated.ts";

export interface MediaOfferSpec {
  readonly kind: "audio" | "video";
  readonly transport: LocalTransport;
  /** In preference order; dynamic payload types are numbered from `firstPayloadType` (96). */
  readonly codecs: readonly CodecSpec[];
  readonly firstPayloadType?: number;
  readonly protocol?: string;
  /** With an RTP/AVP m-line, also offer RTP/AVPF through RFC 5939 (a=tcap:1 RTP/AVPF, a=pcfg:1 t=1). */
  readonly offerAvpfCapability?: boolean;
  /** Offered as a=rtcp-fb:* lines. */
  readonly feedback?: readonly RtcpFeedback[];
  readonly extmaps?: readonly { readonly id: number; readonly uri: string }[];
  readonly bandwidth?: readonly Bandwidth[];
  readonly direction?: Direction;
  readonly rtcpMux?: boolean;
  readonly crypto?: readonly Crypto[];
  readonly imageattrs?: readonly ImageAttr[];
  readonly mid?: string;
}

export function buildMediaOffer(spec: MediaOfferSpec): MediaDescription {
  let next = spec.firstPayloadType ?? 96;
  const codecs: Codec[] = spec.codecs.map((c) => {
    const staticPt = Object.entries(STATIC_PAYLOAD_TYPES).find(([, s]) => sameFormat(s, c))?.[0];
    return { payloadType: staticPt !== undefined ? Number(staticPt) : next++, ...c, params: c.params ?? [], rtcpFb: [] };
  });
  if (next > 128) throw new SdpError("too-many-formats", "more dynamic payload types than 96-127");
  const t = spec.transport;
  const rtcpPort = t.rtcpPort ?? t.port + 1;
  return {
    ...emptyMedia(spec.kind, spec.protocol ?? "RTP/AVP", t.port),
    formats: codecs.map((c) => String(c.payloadType)),
    connection: { addressType: addressTypeOf(t.address), address: t.address },
    bandwidth: spec.bandwidth ?? [],
    direction: spec.direction ?? "sendrecv",
    codecs,
    rtcpFbAll: spec.feedback ?? [],
    rtcp: !spec.rtcpMux && rtcpPort !== t.port + 1 ? { port: rtcpPort } : undefined,
    rtcpMux: spec.rtcpMux ?? false,
    extmaps: spec.extmaps ?? [],
    imageattrs: spec.imageattrs ?? [],
    crypto: spec.crypto ?? [],
    capabilities: spec.offerAvpfCapability
      ? { ...NO_CAPABILITIES, transports: [{ id: 1, protocol: "RTP/AVPF" }], potential: [{ id: 1, transports: [1], attributeSets: [] }] }
      : NO_CAPABILITIES,
    mid: spec.mid,
  };
}

/**
 * What the far end's answer to our offer settled, per m-line. Throws SdpError("bad-answer") when
 * the answer does not fit the offer (m-line count or kinds differ, codecs we never offered).
 */
export function readAnswer(offer: SessionDescription, answer: SessionDescription): NegotiatedStream[] {
  if (answer.media.length !== offer.media.length) {
    throw new SdpError("bad-answer", `answer has ${answer.media.length} m-lines, the offer had ${offer.media.length}`);
  }
  return answer.media.map((a, index): NegotiatedStream => {
    const o = offer.media[index];
    if (a.kind !== o.kind) throw new SdpError("bad-answer", `answer m-line ${index + 1} is ${a.kind}, the offer's is ${o.kind}`);
    const remote = remoteTransport(answer, a, a.rtcpMux && o.rtcpMux);
    const base = {
      index, kind: a.kind, mid: a.mid ?? o.mid, protocol: protocolFromAnswer(o, offer.capabilities, a),
      extmaps: a.extmaps, imageattrs: a.imageattrs, remoteBandwidth: a.bandwidth, remote,
    };
    if (a.port === 0 || o.port === 0) {
      return { ...base, accepted: false, direction: "inactive", rtcpMux: false, feedback: [], reason: "port 0 in the answer" };
    }
    const pairs = a.codecs.map((c) => ({ answered: c, offered: o.codecs.find((x) => sameFormat(x, c) || (x.payloadType === c.payloadType && c.name === "")) }));
    const unknown = pairs.find((p) => !p.offered);
    if (unknown) throw new SdpError("bad-answer", `answer m-line ${index + 1} has payload ${unknown.answered.payloadType} (${unknown.answered.name}) that was not offered`);
    const main = pairs.find((p) => !isTelephoneEvent(p.answered));
    if (!main) throw new SdpError("bad-answer", `answer m-line ${index + 1} accepts the stream without a media codec`);
    const codec = { ...main.answered, name: main.offered!.name, clockRate: main.offered!.clockRate };
    const dtmf = pairs.find((p) => isTelephoneEvent(p.answered) && p.answered.clockRate === codec.clockRate)?.answered;
    const crypto = a.crypto[0] && o.crypto.find((c) => c.tag === a.crypto[0].tag);
    return {
      ...base,
      accepted: true,
      codec,
      receivePayloadType: main.offered!.payloadType,
      telephoneEvent: dtmf,
      direction: mirrorDirection(effectiveDirection(answer, a)),
      rtcpMux: a.rtcpMux && o.rtcpMux,
      feedback: intersectFeedback([...a.rtcpFbAll, ...codec.rtcpFb], [...o.rtcpFbAll, ...main.offered!.rtcpFb]),
      ...(crypto ? { crypto: { remote: a.crypto[0], local: crypto } } : {}),
    };
  });
}
