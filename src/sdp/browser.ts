/**
 * The agent browser's WebRTC leg: one BUNDLEd, rtcp-muxed, DTLS-SRTP video m-line carrying the
 * caller's H.264 unchanged. Browsers take Constrained Baseline 42e0xx (42e01f when the caller states
 * no level); the packetization mode must be the caller's, since the relay forwards RTP payloads as they are.
 */
import type { Codec, DtlsSetup, Extmap, MediaDescription, Origin, RtcpFeedback, SessionDescription } from "./model.ts";
import { effectiveDirection, emptyMedia, mirrorDirection, NO_CAPABILITIES } from "./model.ts";
import { feedback as fb, intersectFeedback } from "./codecs.ts";
import { formatProfileLevelId, isH264, packetizationModeOf, profileLevelIdOf } from "./h264.ts";
import { fmtpValue } from "./fmtp.ts";
import { rejection } from "./errors.ts";
import type { AnswerResult } from "./offer-answer.ts";
import { addressTypeOf } from "./session-description.ts";
import { remoteTransport } from "./offer-answer.ts";
import type { NegotiatedStream } from "./negotiated.ts";

export const BROWSER_PROFILE_LEVEL_ID = "42e01f";
export const BROWSER_FEEDBACK: readonly RtcpFeedback[] = ["goog-remb", "ccm fir", "nack", "nack pli"].map(fb);

export interface BrowserLegParameters {
  readonly origin: Origin;
  /** Address and port of our ICE candidate, written in c=/m=. */
  readonly address: string;
  readonly port: number;
  readonly ice: { readonly ufrag: string; readonly pwd: string; readonly lite?: boolean };
  /** Candidate values without "candidate:". */
  readonly candidates: readonly string[];
  readonly fingerprint: { readonly algorithm: string; readonly value: string };
  /** Feedback we offer/accept; default nack, nack pli, ccm fir, goog-remb. Add transport-cc only if the relay answers it. */
  readonly feedback?: readonly RtcpFeedback[];
  readonly payloadType?: number;
  readonly mid?: string;
  readonly bandwidthKbps?: number;
  /** Header extensions to negotiate, e.g. VIDEO_EXTMAP_URIS so the browser renders the caller's CVO rotation. */
  readonly extmapUris?: readonly string[];
  /** Our sending SSRC and CNAME, announced so the browser binds the stream at once. */
  readonly ssrc?: { readonly ssrc: number; readonly cname: string; readonly streamId?: string };
}

/**
 * The form browsers take (Constrained Baseline, 42e0xx) at the caller's level when the caller stated
 * one, so with level-asymmetry-allowed the browser's encoder stays within what the caller decodes.
 */
export function browserProfileLevelId(callerCodec: Codec): string {
  const caller = fmtpValue(callerCodec.params, "profile-level-id") !== undefined ? profileLevelIdOf(callerCodec.params) : undefined;
  if (!caller || (caller.profile !== "constrained-baseline" && caller.profile !== "baseline")) return BROWSER_PROFILE_LEVEL_ID;
  return formatProfileLevelId({ profileIdc: 0x42, profileIop: 0xe0, levelIdc: caller.levelIdc, profile: "constrained-baseline" });
}

function browserParams(callerCodec: Codec): Codec["params"] {
  return [
    { key: "level-asymmetry-allowed", value: "1" },
    { key: "packetization-mode", value: String(packetizationModeOf(callerCodec.params) ?? 0) },
    { key: "profile-level-id", value: browserProfileLevelId(callerCodec) },
  ];
}

function session(p: BrowserLegParameters, media: MediaDescription[], mids: string[]): SessionDescription {
  return {
    origin: p.origin, name: "-", bandwidth: [], timing: { start: 0, stop: 0 },
    groups: mids.length ? [{ semantics: "BUNDLE", mids }] : [],
    iceLite: p.ice.lite ?? false, capabilities: NO_CAPABILITIES, extra: ["msid-semantic: WMS avsplit"], media,
  };
}

function videoSection(
  p: BrowserLegParameters, codec: Codec, setup: DtlsSetup, mid: string, direction: MediaDescription["direction"], extmaps: readonly Extmap[],
): MediaDescription {
  const { ssrc } = p;
  return {
    ...emptyMedia("video", "UDP/TLS/RTP/SAVPF", p.port),
    formats: [String(codec.payloadType)],
    connection: { addressType: addressTypeOf(p.address), address: p.address },
    bandwidth: p.bandwidthKbps ? [{ type: "AS", value: p.bandwidthKbps }] : [],
    direction,
    codecs: [codec],
    rtcpMux: true,
    extmaps,
    mid,
    ice: { ufrag: p.ice.ufrag, pwd: p.ice.pwd },
    dtls: { fingerprint: p.fingerprint, setup },
    candidates: p.candidates,
    endOfCandidates: true,
    extra: ssrc
      ? [`msid:${ssrc.streamId ?? "avsplit"} video`, `ssrc:${ssrc.ssrc} cname:${ssrc.cname}`]
      : [],
  };
}

/** Our offer to the browser for the caller's negotiated H.264 codec. */
export function buildBrowserOffer(callerCodec: Codec, p: BrowserLegParameters): SessionDescription {
  const codec: Codec = {
    payloadType: p.payloadType ?? 102, name: "H264", clockRate: 90000, params: browserParams(callerCodec),
    rtcpFb: p.feedback ?? BROWSER_FEEDBACK,
  };
  const mid = p.mid ?? "0";
  const extmaps = (p.extmapUris ?? []).map((uri, i) => ({ id: i + 1, uri }));
  return session(p, [videoSection(p, codec, "actpass", mid, "sendrecv", extmaps)], [mid]);
}

/** The browser's H.264 payload whose mode is the caller's: Constrained Baseline first, then Baseline. */
export function pickBrowserH264(media: MediaDescription, callerCodec: Codec): Codec | undefined {
  const mode = packetizationModeOf(callerCodec.params);
  const candidates = media.codecs.filter((c) => isH264(c) && packetizationModeOf(c.params) === mode);
  const rank = (c: Codec) => ({ "constrained-baseline": 0, baseline: 1 } as Record<string, number>)[profileLevelIdOf(c.params)?.profile ?? ""] ?? 9;
  return candidates.filter((c) => rank(c) < 9).sort((a, b) => rank(a) - rank(b))[0];
}

/** Answer a browser's offer (e.g. Chrome's): its first video m-line with a matching H.264, everything else rejected. */
export function answerBrowserOffer(offer: SessionDescription, callerCodec: Codec, p: BrowserLegParameters): AnswerResult {
  const index = offer.media.findIndex((m) => m.kind === "video" && m.port !== 0 && pickBrowserH264(m, callerCodec));
  if (index < 0) {
    const mode = packetizationModeOf(callerCodec.params);
    return { ok: false, rejection: rejection(305, `the browser offers no Constrained Baseline H.264 with packetization-mode=${mode}`) };
  }
  const offered = offer.media[index];
  const chosen = pickBrowserH264(offered, callerCodec)!;
  const feedback = intersectFeedback([...offered.rtcpFbAll, ...chosen.rtcpFb], p.feedback ?? BROWSER_FEEDBACK);
  const codec: Codec = { ...chosen, params: browserParams(callerCodec), rtcpFb: feedback };
  const mid = offered.mid ?? String(index);
  const direction = mirrorDirection(effectiveDirection(offer, offered));
  const wanted = new Set(p.extmapUris ?? []);
  const extmaps = offered.extmaps.filter((e) => wanted.has(e.uri)).map(({ id, uri }) => ({ id, uri }));
  const media = offer.media.map((m, i) => i === index
    ? videoSection(p, codec, "passive", mid, direction, extmaps)
    : { ...emptyMedia(m.kind, m.protocol, 0), formats: m.formats.slice(0, 1), mid: m.mid });
  const stream: NegotiatedStream = {
    index, kind: "video", mid, accepted: true, protocol: offered.protocol, codec, receivePayloadType: codec.payloadType,
    direction, rtcpMux: true, feedback, extmaps, imageattrs: [], remoteBandwidth: offered.bandwidth,
    remote: remoteTransport(offer, offered, true),
  };
  return { ok: true, answer: session(p, media, [mid]), streams: [stream] };
}

/** ICE and DTLS parameters of the browser's m-line (media level, else session level) for the webrtc layer. */
export function remoteIceOf(sd: SessionDescription, index: number): { ice?: SessionDescription["ice"]; dtls?: SessionDescription["dtls"]; candidates: readonly string[] } {
  const m = sd.media[index];
  return { ice: m?.ice ?? sd.ice, dtls: m?.dtls ?? sd.dtls, candidates: m?.candidates ?? [] };
}
