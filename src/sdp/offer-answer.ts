/**
 * RFC 3264 answerer: one answer m-line per offered m-line, same order; port 0 rejects; codecs
 * intersected by format (fmtp-aware), directions mirrored, rtcp-mux / rtcp-fb / extmap / imageattr
 * kept to what both sides support, SDES crypto chosen, RFC 5939 configurations honoured.
 */
import type { Codec, Direction, MediaDescription, Origin, RtcpFeedback, SessionDescription } from "./model.ts";
import { effectiveConnection, effectiveDirection, emptyMedia, isRtpProtocol, mirrorDirection, isSdesProtocol, NO_CAPABILITIES } from "./model.ts";
import { intersectFeedback, matchCodecs, telephoneEventFor, type CodecSpec } from "./codecs.ts";
import { answerH264Params, isH264, type H264AnswerOptions } from "./h264.ts";
import { chooseCrypto, type SdesPolicy } from "./crypto.ts";
import { choosePotentialConfiguration } from "./capneg.ts";
import { rejection, type SdpRejection, type WarnCode } from "./errors.ts";
import { addressTypeOf } from "./session-description.ts";
import type { LocalTransport, NegotiatedStream } from "./negotiated.ts";

export interface MediaPolicy {
  readonly transport: LocalTransport;
  /** Formats we take; the answer follows the offerer's order. */
  readonly codecs: readonly CodecSpec[];
  /** Media codecs to answer (default 1: a relay forwards one format, no transcoding). */
  readonly maxCodecs?: number;
  /** Answer telephone-event at the chosen codec's clock rate when offered (default true). */
  readonly telephoneEvent?: boolean;
  /** RTP profiles we accept (default RTP/AVP and RTP/AVPF, plus the SAVP ones when `sdes` is set). */
  readonly profiles?: readonly string[];
  readonly feedback?: readonly RtcpFeedback[];
  readonly extmapUris?: readonly string[];
  /** Accept a=rtcp-mux when offered (default true). */
  readonly rtcpMux?: boolean;
  readonly rtcpRsize?: boolean;
  /** What we want; the answer is this intersected with the offer (default sendrecv). */
  readonly direction?: Direction;
  /** b= lines of the answer; default: echo the offered ones. */
  readonly bandwidth?: MediaDescription["bandwidth"];
  /** Mirror the offered a=imageattr (default true). */
  readonly imageattr?: boolean;
  /** Take an offered RFC 5939 potential configuration (e.g. tcap RTP/AVPF) when acceptable (default true). */
  readonly capabilityNegotiation?: boolean;
  readonly sdes?: SdesPolicy;
  readonly h264?: H264AnswerOptions;
  /** Answer params for a non-H.264 match: the local spec's (default) or the offered ones. */
  readonly echoOfferedParams?: boolean;
}

export interface AnswerPolicy {
  readonly origin: Origin;
  readonly sessionName?: string;
  /** Policy for an offered m-line; undefined rejects it. */
  readonly mediaPolicy: (media: MediaDescription, index: number, offer: SessionDescription) => MediaPolicy | undefined;
}

export type AnswerResult =
  | { readonly ok: true; readonly answer: SessionDescription; readonly streams: readonly NegotiatedStream[] }
  | { readonly ok: false; readonly rejection: SdpRejection };

/** A policy per media kind: the first live offered m-line of each kind gets it, other m-lines are rejected. */
export function policyByKind(policies: Partial<Record<string, MediaPolicy>>): AnswerPolicy["mediaPolicy"] {
  return (media, index, offer) =>
    index === offer.media.findIndex((m) => m.kind === media.kind && m.port !== 0) ? policies[media.kind] : undefined;
}

export function answerDirection(offered: Direction, wanted: Direction): Direction {
  const send = (offered === "sendrecv" || offered === "recvonly") && (wanted === "sendrecv" || wanted === "sendonly");
  const recv = (offered === "sendrecv" || offered === "sendonly") && (wanted === "sendrecv" || wanted === "recvonly");
  return send && recv ? "sendrecv" : send ? "sendonly" : recv ? "recvonly" : "inactive";
}

function profilesOf(policy: MediaPolicy): string[] {
  const base = policy.profiles ?? ["RTP/AVP", "RTP/AVPF"];
  return policy.profiles || !policy.sdes ? [...base] : [...base, "RTP/SAVP", "RTP/SAVPF"];
}

interface MediaOutcome {
  readonly media: MediaDescription;
  readonly stream: NegotiatedStream;
  readonly warnCode?: WarnCode;
}

export function answerOffer(offer: SessionDescription, policy: AnswerPolicy): AnswerResult {
  const outcomes = offer.media.map((m, i) => answerMedia(offer, m, i, policy.mediaPolicy(m, i, offer)));
  const accepted = outcomes.filter((o) => o.stream.accepted);
  if (accepted.length === 0) {
    const offeredLive = outcomes.filter((o) => offer.media[o.stream.index].port !== 0);
    const code = offeredLive.map((o) => o.warnCode).find((c) => c === 305) ?? offeredLive[0]?.warnCode ?? 304;
    const detail = offeredLive.map((o) => `m-line ${o.stream.index + 1} (${o.stream.kind}): ${o.stream.reason}`).join("; ") || "every m-line has port 0";
    return { ok: false, rejection: rejection(code, detail) };
  }
  const sessionAddress = accepted[0].media.connection!;
  const answer: SessionDescription = {
    origin: policy.origin,
    name: policy.sessionName ?? "-",
    connection: sessionAddress,
    bandwidth: [],
    timing: { start: 0, stop: 0 },
    groups: [],
    iceLite: false,
    capabilities: NO_CAPABILITIES,
    extra: [],
    media: outcomes.map((o) => {
      const c = o.media.connection;
      return c && c.address === sessionAddress.address ? { ...o.media, connection: undefined } : o.media;
    }),
  };
  return { ok: true, answer, streams: outcomes.map((o) => o.stream) };
}

function rejected(offer: SessionDescription, m: MediaDescription, index: number, reason: string, warnCode?: WarnCode): MediaOutcome {
  const media: MediaDescription = { ...emptyMedia(m.kind, m.protocol, 0), formats: m.formats.slice(0, 1), mid: m.mid };
  const stream: NegotiatedStream = {
    index, kind: m.kind, mid: m.mid, accepted: false, protocol: m.protocol, direction: "inactive", rtcpMux: false,
    feedback: [], extmaps: [], imageattrs: [], remoteBandwidth: m.bandwidth,
    remote: { connection: effectiveConnection(offer, m), port: m.port, rtcpPort: 0 }, reason,
  };
  return { media, stream, warnCode };
}

function answerMedia(offer: SessionDescription, offered: MediaDescription, index: number, policy: MediaPolicy | undefined): MediaOutcome {
  if (offered.port === 0) return rejected(offer, offered, index, "offered with port 0");
  if (!policy) return rejected(offer, offered, index, `no ${offered.kind} stream wanted`, 304);
  if (!isRtpProtocol(offered.protocol)) return rejected(offer, offered, index, `protocol ${offered.protocol} not supported`, 302);
  const profiles = profilesOf(policy).map((p) => p.toUpperCase());
  const acceptable = (m: MediaDescription): boolean =>
    profiles.includes(m.protocol.toUpperCase()) && (!isSdesProtocol(m.protocol) || (!!policy.sdes && !!chooseCrypto(m.crypto, policy.sdes)));
  const chosen = policy.capabilityNegotiation === false ? undefined : choosePotentialConfiguration(offered, offer.capabilities, acceptable);
  const effective = chosen?.media ?? offered;
  if (!chosen && !profiles.includes(offered.protocol.toUpperCase())) {
    return rejected(offer, offered, index, `profile ${offered.protocol} not accepted`, 302);
  }
  const crypto = isSdesProtocol(effective.protocol) ? chooseCrypto(effective.crypto, policy.sdes ?? { keys: {} }) : undefined;
  if (isSdesProtocol(effective.protocol) && !crypto) return rejected(offer, offered, index, "no acceptable a=crypto suite", 305);

  const matches = matchCodecs(effective.codecs, policy.codecs).slice(0, policy.maxCodecs ?? 1);
  if (matches.length === 0) {
    const offeredNames = effective.codecs.map((c) => `${c.name || "?"}/${c.clockRate}`).join(",");
    return rejected(offer, offered, index, `no common codec in ${offeredNames}`, 305);
  }
  const supported = policy.feedback ?? [];
  const answerCodecs: Codec[] = matches.map(({ offered: o, local }) => ({
    payloadType: o.payloadType, name: o.name, clockRate: o.clockRate, ...(o.channels !== undefined ? { channels: o.channels } : {}),
    params: isH264(o) ? answerH264Params(o.params, local.params ?? [], policy.h264) : policy.echoOfferedParams ? o.params : (local.params ?? o.params),
    rtcpFb: intersectFeedback(o.rtcpFb, supported),
  }));
  const main = matches[0].offered;
  const dtmf = policy.telephoneEvent === false ? undefined : telephoneEventFor(effective.codecs, main.clockRate);
  if (dtmf) answerCodecs.push({ ...dtmf, rtcpFb: [] });

  const direction = answerDirection(effectiveDirection(offer, offered), policy.direction ?? "sendrecv");
  const rtcpMux = effective.rtcpMux && policy.rtcpMux !== false;
  const t = policy.transport;
  const rtcpPort = t.rtcpPort ?? t.port + 1;
  const supportedUris = new Set(policy.extmapUris ?? []);
  const extmaps = effective.extmaps.filter((e) => supportedUris.has(e.uri))
    .map((e) => (e.direction ? { ...e, direction: mirrorDirection(e.direction) } : e));
  const chosenPts = new Set(answerCodecs.map((c) => c.payloadType));
  const imageattrs = policy.imageattr === false ? [] : effective.imageattrs
    .filter((i) => i.payloadType === "*" || chosenPts.has(i.payloadType))
    .map((i) => ({ payloadType: i.payloadType, ...(i.recv ? { send: i.recv } : {}), ...(i.send ? { recv: i.send } : {}) }));
  const feedbackAll = intersectFeedback(effective.rtcpFbAll, supported);
  const connection = { addressType: addressTypeOf(t.address), address: t.address };

  const media: MediaDescription = {
    ...emptyMedia(offered.kind, effective.protocol, t.port),
    formats: answerCodecs.map((c) => String(c.payloadType)),
    connection,
    bandwidth: policy.bandwidth ?? offered.bandwidth,
    direction,
    codecs: answerCodecs,
    rtcpFbAll: feedbackAll,
    rtcp: !rtcpMux && rtcpPort !== t.port + 1 ? { port: rtcpPort } : undefined,
    rtcpMux,
    rtcpRsize: effective.rtcpRsize && policy.rtcpRsize === true,
    extmaps,
    imageattrs,
    crypto: crypto ? [crypto.local] : [],
    capabilities: chosen ? { ...NO_CAPABILITIES, actual: chosen.actual } : NO_CAPABILITIES,
    mid: offered.mid,
    ptime: offered.kind === "audio" ? offered.ptime : undefined,
  };
  const stream: NegotiatedStream = {
    index, kind: offered.kind, mid: offered.mid, accepted: true, protocol: effective.protocol,
    // The far end's own description of the format: its fmtp carries its level and sprop-parameter-sets.
    codec: { ...main, rtcpFb: answerCodecs[0].rtcpFb }, receivePayloadType: main.payloadType, telephoneEvent: dtmf,
    direction, rtcpMux,
    feedback: [...feedbackAll, ...answerCodecs[0].rtcpFb],
    extmaps, imageattrs, crypto, remoteBandwidth: offered.bandwidth,
    remote: remoteTransport(offer, offered, rtcpMux),
  };
  return { media, stream };
}

export function remoteTransport(sd: SessionDescription, m: MediaDescription, rtcpMux: boolean): NegotiatedStream["remote"] {
  const connection = effectiveConnection(sd, m);
  return {
    connection,
    port: m.port,
    rtcpConnection: m.rtcp?.connection ?? connection,
    rtcpPort: rtcpMux ? m.port : (m.rtcp?.port ?? m.port + 1),
  };
}

