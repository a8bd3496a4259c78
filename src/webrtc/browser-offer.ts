/**
 * Shapes a browser's video offer into what the agent leg answers: one H.264 format that matches the
 * caller (src/sdp's browser rules: packetization-mode, Constrained Baseline, caller's level), feedback we
 * serve (NACK, PLI, FIR, REMB), no RTX/RED/FEC, no header extensions, no simulcast. werift answers the restricted
 * offer, so its answer contains exactly that format; the browser keeps its own (larger) offer, and an
 * answer that is a subset of an offer is valid (RFC 3264 §6.1).
 */
import * as sdpTransform from "sdp-transform";
import {
  browserProfileLevelId, fmtpValue, formatFmtp, h264LevelLimits, packetizationModeOf, parseFmtp, parseProfileLevelId, parseSdp,
  pickBrowserH264, type Codec, type FmtpParam, type MediaDescription,
} from "../sdp/index.ts";
import { WebRtcLegError } from "./errors.ts";

export interface H264Choice {
  /** The browser's payload type for the chosen format (used both ways on the leg). */
  readonly payloadType: number;
  readonly packetizationMode: 0 | 1;
  /** fmtp of our answer: profile-level-id says what we accept to receive (the caller's level). */
  readonly answerFmtp: string;
  /** The browser's own fmtp of the chosen format. */
  readonly offeredFmtp: string;
  /** Max bitrate of the caller's stated H.264 level (Table A-1), to cap the browser's encoder; undefined if no level was stated. */
  readonly callerMaxBitrateKbps?: number;
}

export interface RestrictedOffer {
  readonly sdp: string;
  readonly choice: H264Choice;
  readonly mid: string;
  /** The browser's media SSRC from a=ssrc (0 when it announced none). */
  readonly remoteSsrc: number;
  /** The browser offered generic NACK (`a=rtcp-fb:<pt> nack`): it retransmits what it sent when asked. */
  readonly nack: boolean;
  /** The browser offered `goog-remb`: a REMB from us caps its encoder. */
  readonly remb: boolean;
}

/**
 * Feedback the leg serves: keyframe requests, generic NACK (answered from the leg's retransmission cache, plain
 * retransmission: no RTX), and REMB so the caller's TMMBR can cap the browser's encoder (no TWCC).
 */
const SERVED_FEEDBACK = new Set(["nack", "nack pli", "ccm fir", "goog-remb"]);
const MAX_OFFER_BYTES = 64 * 1024;

/** The caller's format as a src/sdp Codec; throws "bad-caller-fmtp" unless it has a usable profile and mode 0 or 1. */
function callerCodec(fmtp: string): { codec: Codec; mode: 0 | 1 } {
  let params: FmtpParam[];
  try { params = parseFmtp(fmtp, 0); } catch (err) {
    throw new WebRtcLegError("bad-caller-fmtp", `caller H.264 fmtp unparsable: ${(err as Error).message}`);
  }
  const mode = packetizationModeOf(params);
  if (!parseProfileLevelId(fmtpValue(params, "profile-level-id"))) {
    throw new WebRtcLegError("bad-caller-fmtp", `caller profile-level-id unusable in "${fmtp}"`);
  }
  if (mode !== 0 && mode !== 1) throw new WebRtcLegError("bad-caller-fmtp", `caller packetization-mode must be 0 or 1 in "${fmtp}"`);
  return { codec: { payloadType: 0, name: "H264", clockRate: 90000, params, rtcpFb: [] }, mode };
}

/**
 * Picks the browser's H.264 format for a caller whose H.264 fmtp is `callerFmtp` (src/sdp rules: the
 * caller's packetization-mode, Constrained Baseline before Baseline; the answer asks for 42e0 + the
 * caller's level with level-asymmetry-allowed).
 */
export function chooseBrowserH264(media: MediaDescription, callerFmtp: string): H264Choice {
  const caller = callerCodec(callerFmtp);
  const picked = pickBrowserH264(media, caller.codec);
  if (!picked) {
    throw new WebRtcLegError("no-matching-h264",
      `browser offered no (Constrained) Baseline H.264 with packetization-mode=${caller.mode}`);
  }
  const stated = fmtpValue(caller.codec.params, "profile-level-id");
  const level = stated === undefined ? undefined : parseProfileLevelId(stated)?.levelIdc;
  return {
    payloadType: picked.payloadType,
    packetizationMode: caller.mode,
    callerMaxBitrateKbps: level === undefined ? undefined : h264LevelLimits(level)?.maxBitrateKbps,
    offeredFmtp: formatFmtp(picked.params),
    answerFmtp: `level-asymmetry-allowed=1;packetization-mode=${caller.mode};profile-level-id=${browserProfileLevelId(caller.codec)}`,
  };
}

/** Parses the browser's offer, checks it is one BUNDLE-able DTLS-SRTP video m-line, and restricts it. */
export function restrictBrowserOffer(offerSdp: string, callerFmtp: string): RestrictedOffer {
  if (offerSdp.length > MAX_OFFER_BYTES) throw new WebRtcLegError("bad-offer", `offer larger than ${MAX_OFFER_BYTES} bytes`);
  let sd: sdpTransform.SessionDescription;
  try { sd = sdpTransform.parse(offerSdp); } catch (err) {
    throw new WebRtcLegError("bad-offer", `offer unparsable: ${(err as Error).message}`);
  }
  const media = sd.media ?? [];
  if (media.length !== 1 || media[0]!.type !== "video") {
    throw new WebRtcLegError("bad-offer", `expected exactly one video m-line, got [${media.map((m) => m.type).join(", ")}]`);
  }
  const m = media[0]!;
  if (!/UDP\/TLS\/RTP\/SAVPF/i.test(m.protocol) || m.port === 0) {
    throw new WebRtcLegError("bad-offer", `video m-line must be an active UDP/TLS/RTP/SAVPF stream (got ${m.protocol} port ${m.port})`);
  }
  if (m.mid === undefined) throw new WebRtcLegError("bad-offer", "video m-line has no a=mid");
  let model: MediaDescription;
  try { model = parseSdp(offerSdp).media[0]!; } catch (err) {
    throw new WebRtcLegError("bad-offer", `offer rejected by the SDP parser: ${(err as Error).message}`);
  }
  const choice = chooseBrowserH264(model, callerFmtp);
  const pt = choice.payloadType;
  m.payloads = String(pt);
  m.rtp = m.rtp.filter((r) => r.payload === pt);
  m.fmtp = [{ payload: pt, config: choice.answerFmtp }];
  m.rtcpFb = (m.rtcpFb ?? []).filter((fb) => Number(fb.payload) === pt && SERVED_FEEDBACK.has(feedbackKey(fb)));
  const remoteSsrc = keepPrimarySsrc(m);
  const nack = m.rtcpFb.some((fb) => feedbackKey(fb) === "nack");
  const remb = m.rtcpFb.some((fb) => feedbackKey(fb) === "goog-remb");
  delete m.ext;
  delete m.extmapAllowMixed;
  delete m.rids;
  delete m.simulcast;
  delete m.simulcast_03;
  delete sd.extmapAllowMixed;
  sd.groups = [{ type: "BUNDLE", mids: String(m.mid) }];
  return { sdp: sdpTransform.write(sd), choice, mid: String(m.mid), remoteSsrc, nack, remb };
}

/** "type" or "type subtype", as in `a=rtcp-fb:<pt> nack pli`. */
function feedbackKey(fb: { type: string; subtype?: string }): string {
  return fb.subtype ? `${fb.type} ${fb.subtype}` : fb.type;
}

/** Drops the RTX/FEC SSRCs (a=ssrc-group) the restricted offer no longer has payload types for. */
function keepPrimarySsrc(m: sdpTransform.MediaDescription): number {
  const fid = m.ssrcGroups?.find((g) => g.semantics === "FID");
  const primary = fid ? Number(fid.ssrcs.split(" ")[0]) : Number(m.ssrcs?.[0]?.id ?? 0);
  delete m.ssrcGroups;
  if (m.ssrcs) m.ssrcs = m.ssrcs.filter((s) => Number(s.id) === primary);
  return primary >>> 0;
}
