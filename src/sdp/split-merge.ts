/**
 * The split: a caller's A/V offer becomes an audio-only offer toward the call center (caller's
 * audio codecs and payload types kept, telephone-event kept) plus a video part answered locally;
 * the call center's audio answer and our video policy merge back into one answer, in the
 * caller's m-line order.
 */
import type { Codec, MediaDescription, Origin, SessionDescription } from "./model.ts";
import { effectiveDirection, emptyMedia, NO_CAPABILITIES } from "./model.ts";
import { isAuxiliary, isTelephoneEvent, sameFormat, type CodecSpec } from "./codecs.ts";
import { rejection, SdpError, type SdpRejection } from "./errors.ts";
import { answerOffer, type AnswerResult, type MediaPolicy } from "./offer-answer.ts";
import { addressTypeOf, nextLocalDescription } from "./session-description.ts";
import type { LocalTransport } from "./negotiated.ts";

export type Route = "callcenter" | "local" | "reject";

export interface SplitPlan {
  /** One entry per caller m-line, in order. */
  readonly routes: readonly Route[];
  /** Caller m-line index carried by the call-center offer's single audio m-line. */
  readonly audioIndex: number;
}

export interface SplitOptions {
  /** o= of the call-center leg (its previous SDP's origin on a re-offer). */
  readonly origin: Origin;
  /** Our relay port facing the call center. */
  readonly transport: LocalTransport;
  /** Keep only these caller codecs (e.g. what the trunk takes); default: all of them. */
  readonly audioCodecs?: readonly CodecSpec[];
  /** Previous offer on the call-center leg: the re-offer keeps its o= and bumps the version only on change. */
  readonly previous?: SessionDescription;
}

export type SplitResult =
  | { readonly ok: true; readonly offer: SessionDescription; readonly plan: SplitPlan; readonly changed: boolean }
  | { readonly ok: false; readonly rejection: SdpRejection };

export function splitOffer(callerOffer: SessionDescription, opts: SplitOptions): SplitResult {
  const audioIndex = callerOffer.media.findIndex((m) => m.kind === "audio" && m.port !== 0);
  if (audioIndex < 0) return { ok: false, rejection: rejection(304, "the offer has no active audio stream for the call center") };
  const videoIndex = callerOffer.media.findIndex((m) => m.kind === "video" && m.port !== 0);
  const routes = callerOffer.media.map((_, i): Route => (i === audioIndex ? "callcenter" : i === videoIndex ? "local" : "reject"));
  const audio = callerOffer.media[audioIndex];
  // A dynamic payload type without rtpmap cannot be described to the call center.
  const media = audio.codecs.filter((c) => c.name !== "" && !isAuxiliary(c) && (!opts.audioCodecs || opts.audioCodecs.some((s) => sameFormat(c, s))));
  if (media.length === 0) {
    return { ok: false, rejection: rejection(305, "none of the caller's audio codecs is allowed toward the call center") };
  }
  const clockRates = new Set(media.map((c) => c.clockRate));
  const dtmf = audio.codecs.filter((c) => isTelephoneEvent(c) && clockRates.has(c.clockRate));
  const codecs: Codec[] = [...media, ...dtmf].map((c) => ({ ...c, rtcpFb: [] }));
  const t = opts.transport;
  const rtcpPort = t.rtcpPort ?? t.port + 1;
  const ccAudio: MediaDescription = {
    ...emptyMedia("audio", "RTP/AVP", t.port),
    formats: codecs.map((c) => String(c.payloadType)),
    bandwidth: audio.bandwidth.filter((b) => b.type === "AS" || b.type === "TIAS"),
    direction: effectiveDirection(callerOffer, audio),
    codecs,
    rtcp: rtcpPort !== t.port + 1 ? { port: rtcpPort } : undefined,
    ptime: audio.ptime,
    maxptime: audio.maxptime,
  };
  const draft: SessionDescription = {
    origin: opts.origin,
    name: "-",
    connection: { addressType: addressTypeOf(t.address), address: t.address },
    bandwidth: [],
    timing: { start: 0, stop: 0 },
    groups: [],
    iceLite: false,
    capabilities: NO_CAPABILITIES,
    extra: [],
    media: [ccAudio],
  };
  const offer = nextLocalDescription(opts.previous, draft);
  const changed = !opts.previous || offer.origin.version !== opts.previous.origin.version;
  return { ok: true, offer, plan: { routes, audioIndex }, changed };
}

export interface MergeOptions {
  /** o= of the caller leg. */
  readonly origin: Origin;
  /** Our relay port facing the caller for audio. */
  readonly audioTransport: LocalTransport;
  /** Extra audio answer settings (profiles, SDES, feedback); codecs and direction come from the call center. */
  readonly audio?: Omit<MediaPolicy, "transport" | "codecs" | "direction">;
  /** How we answer the caller's video ourselves; undefined rejects video (port 0). */
  readonly video?: MediaPolicy;
}

/** The caller's answer: the call center's audio choice + our video answer, in the caller's m-line order. */
export function mergeAnswers(callerOffer: SessionDescription, plan: SplitPlan, callCenterAnswer: SessionDescription, opts: MergeOptions): AnswerResult {
  if (callCenterAnswer.media.length !== 1) {
    throw new SdpError("bad-answer", `the call center answered ${callCenterAnswer.media.length} m-lines to a 1 m-line offer`);
  }
  const cc = callCenterAnswer.media[0];
  if (cc.port === 0) return { ok: false, rejection: rejection(304, "the call center rejected the audio stream") };
  const ccCodecs = cc.codecs.filter((c) => !isAuxiliary(c));
  const audio: MediaPolicy = {
    ...opts.audio,
    transport: opts.audioTransport,
    codecs: ccCodecs,
    telephoneEvent: cc.codecs.some(isTelephoneEvent),
    direction: effectiveDirection(callCenterAnswer, cc),
  };
  return answerOffer(callerOffer, {
    origin: opts.origin,
    mediaPolicy: (_m, i) => (plan.routes[i] === "callcenter" ? audio : plan.routes[i] === "local" ? opts.video : undefined),
  });
}
