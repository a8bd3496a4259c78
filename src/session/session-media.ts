/**
 * The media a new session starts with: the caller's SDP offer, read, and the endpoints bound for it (caller audio,
 * caller video when offered, call-center audio), bound in parallel because the call center's INVITE waits for them.
 */
import { MediaEndpoint, type RelayLeg } from "../media/relay/index.ts";
import { parseSdp, SdpError, type SessionDescription } from "../sdp/index.ts";
import { sdpOf, type IncomingCall } from "../sip/ua/index.ts";
import type { SessionContext } from "./session-context.ts";
import { SessionSetupError } from "./setup-error.ts";

export interface SessionMedia {
  offer: SessionDescription;
  callerAudio: RelayLeg;
  callerVideo: MediaEndpoint | undefined;
  ccAudio: RelayLeg;
}

/** Throws SessionSetupError: 488 for a missing or malformed offer, 503 when ports cannot be had (none kept bound). */
export async function openSessionMedia(ctx: SessionContext, caller: IncomingCall): Promise<SessionMedia> {
  const text = sdpOf(caller.request);
  if (!text) throw new SessionSetupError(488, "the INVITE carries no SDP offer (late offer is not supported)");
  let offer: SessionDescription;
  try {
    offer = parseSdp(text);
  } catch (err) {
    if (err instanceof SdpError) throw new SessionSetupError(488, `malformed SDP offer: ${err.message}`);
    throw err;
  }
  const audio = (label: string) => ctx.audioLegs.createLeg({ kind: "audio", label, rtcpMux: false, mediaTimeoutMs: ctx.mediaTimeoutMs });
  const hasVideo = offer.media.some((m) => m.kind === "video" && m.port !== 0);
  const results = await Promise.allSettled([
    audio("caller-audio"),
    hasVideo ? callerVideoEndpoint(ctx) : Promise.resolve(undefined),
    audio("callcenter-audio"),
  ]);
  const failure = results.find((r) => r.status === "rejected");
  if (failure) {
    for (const r of results) if (r.status === "fulfilled") r.value?.close();
    const err = failure.reason as Error;
    throw new SessionSetupError(503, `no media resources: ${err.message}`);
  }
  const [callerAudio, callerVideo, ccAudio] = results.map((r) => (r as PromiseFulfilledResult<RelayLeg | undefined>).value);
  return { offer, callerAudio: callerAudio!, callerVideo: callerVideo as MediaEndpoint | undefined, ccAudio: ccAudio! };
}

/** The caller's video leg: on this thread, where the agent's browser leg it is linked to runs. */
export function callerVideoEndpoint(ctx: SessionContext): Promise<MediaEndpoint> {
  return MediaEndpoint.create({ pool: ctx.pool, kind: "video", rtcpMux: false, label: "caller-video", clock: ctx.clock });
}
