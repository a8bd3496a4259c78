/**
 * Shapes a browser's video offer into what the agent leg answers: one H.264 format that matches the
 * caller (profile family and packetization-mode; level capped to the caller's decoder), feedback we
 * serve (PLI, FIR), no RTX/RED/FEC, no header extensions, no simulcast. werift answers the restricted
 * offer, so its answer contains exactly that format; the browser keeps its own (larger) offer, and an
 * answer that is a subset of an offer is valid (RFC 3264 §6.1).
 */
import * as sdpTransform from "sdp-transform";
import { parseFmtp } from "../sdp/fmtp.ts";
import {
  formatProfileLevelId, isH264, packetizationModeOf, parseProfileLevelId, sameProfile, type ProfileLevelId,
} from "../sdp/h264.ts";
import type { FmtpParam } from "../sdp/model.ts";
import { WebRtcLegError } from "./errors.ts";

export interface H264Choice {
  /** The browser's payload type for the chosen format (used both ways on the leg). */
  readonly payloadType: number;
  readonly packetizationMode: 0 | 1;
  /** fmtp of our answer: profile-level-id says what we accept to receive (the caller's level). */
  readonly answerFmtp: string;
  /** The browser's own fmtp of the chosen format. */
  readonly offeredFmtp: string;
}

export interface RestrictedOffer {
  readonly sdp: string;
  readonly choice: H264Choice;
  readonly mid: string;
  /** The browser's media SSRC from a=ssrc (0 when it announced none). */
  readonly remoteSsrc: number;
}

/** Feedback the leg serves: keyframe requests only (no NACK: nothing is retransmitted; no REMB/TWCC yet). */
const SERVED_FEEDBACK = new Set(["nack pli", "ccm fir"]);
const MAX_OFFER_BYTES = 64 * 1024;

interface CallerFormat { profile: ProfileLevelId; mode: 0 | 1 }

function callerFormat(fmtp: string): CallerFormat {
  let params: FmtpParam[];
  try { params = parseFmtp(fmtp, 0); } catch (err) {
    throw new WebRtcLegError("bad-caller-fmtp", `caller H.264 fmtp unparsable: ${(err as Error).message}`);
  }
  const profile = profileOf(params);
  const mode = packetizationModeOf(params);
  if (!profile) throw new WebRtcLegError("bad-caller-fmtp", `caller profile-level-id unusable in "${fmtp}"`);
  if (mode !== 0 && mode !== 1) throw new WebRtcLegError("bad-caller-fmtp", `caller packetization-mode must be 0 or 1 in "${fmtp}"`);
  return { profile, mode };
}

function profileOf(params: readonly FmtpParam[]): ProfileLevelId | undefined {
  const pli = params.find((p) => p.key.toLowerCase() === "profile-level-id")?.value;
  return parseProfileLevelId(pli);
}

const BASELINE_FAMILY = new Set(["constrained-baseline", "baseline"]);

/**
 * Rank of an offered format for this caller (lower is better; undefined = unusable). A (constrained)
 * baseline caller pairs with the browser's constrained baseline first (42e01f), then baseline.
 */
function rank(offered: ProfileLevelId, mode: number | undefined, caller: CallerFormat): number | undefined {
  if (mode !== caller.mode) return undefined;
  if (BASELINE_FAMILY.has(caller.profile.profile) && BASELINE_FAMILY.has(offered.profile)) {
    return offered.profile === "constrained-baseline" ? 0 : 1;
  }
  return sameProfile(offered, caller.profile) ? 0 : undefined;
}

function answerFmtp(offered: ProfileLevelId, caller: CallerFormat): string {
  const pli = formatProfileLevelId({ ...offered, levelIdc: caller.profile.levelIdc });
  return `level-asymmetry-allowed=1;packetization-mode=${caller.mode};profile-level-id=${pli}`;
}

/** Picks the browser's H.264 format for a caller whose H.264 fmtp is `callerFmtp`. */
export function chooseBrowserH264(media: sdpTransform.MediaDescription, callerFmtp: string): H264Choice {
  const caller = callerFormat(callerFmtp);
  let best: { choice: H264Choice; rank: number } | undefined;
  for (const rtp of media.rtp) {
    if (!isH264({ name: rtp.codec }) || rtp.rate !== 90000) continue;
    const offeredFmtp = media.fmtp.find((f) => f.payload === rtp.payload)?.config ?? "";
    let params: FmtpParam[];
    try { params = parseFmtp(offeredFmtp, rtp.payload); } catch { continue; }
    const profile = profileOf(params);
    const r = profile && rank(profile, packetizationModeOf(params), caller);
    if (profile === undefined || r === undefined || (best && best.rank <= r)) continue;
    best = {
      rank: r,
      choice: {
        payloadType: rtp.payload, packetizationMode: caller.mode, offeredFmtp, answerFmtp: answerFmtp(profile, caller),
      },
    };
  }
  if (!best) {
    throw new WebRtcLegError("no-matching-h264",
      `browser offered no H.264 ${caller.profile.profile} format with packetization-mode=${caller.mode}`);
  }
  return best.choice;
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
  const choice = chooseBrowserH264(m, callerFmtp);
  const pt = choice.payloadType;
  m.payloads = String(pt);
  m.rtp = m.rtp.filter((r) => r.payload === pt);
  m.fmtp = [{ payload: pt, config: choice.answerFmtp }];
  m.rtcpFb = (m.rtcpFb ?? []).filter((fb) => Number(fb.payload) === pt && SERVED_FEEDBACK.has(`${fb.type} ${fb.subtype ?? ""}`));
  const remoteSsrc = keepPrimarySsrc(m);
  delete m.ext;
  delete m.extmapAllowMixed;
  delete m.rids;
  delete m.simulcast;
  delete m.simulcast_03;
  delete sd.extmapAllowMixed;
  sd.groups = [{ type: "BUNDLE", mids: String(m.mid) }];
  return { sdp: sdpTransform.write(sd), choice, mid: String(m.mid), remoteSsrc };
}

/** Drops the RTX/FEC SSRCs (a=ssrc-group) the restricted offer no longer has payload types for. */
function keepPrimarySsrc(m: sdpTransform.MediaDescription): number {
  const fid = m.ssrcGroups?.find((g) => g.semantics === "FID");
  const primary = fid ? Number(fid.ssrcs.split(" ")[0]) : Number(m.ssrcs?.[0]?.id ?? 0);
  delete m.ssrcGroups;
  if (m.ssrcs) m.ssrcs = m.ssrcs.filter((s) => Number(s.id) === primary);
  return primary >>> 0;
}
