/** What avsplit accepts on its SIP legs, per ARCHITECTURE.md "Interop rules". */
import {
  buildMediaOffer, feedback, parseSdp, readAnswer,
  type CodecSpec, type MediaDescription, type MediaPolicy, type NegotiatedStream, type SdesPolicy, type SessionDescription,
} from "../sdp/index.ts";
import { createSdesCrypto, srtpProfileByName } from "../media/srtp/index.ts";
import type { LocalTransport } from "../sdp/index.ts";
import type { RelayLeg, RemoteMedia } from "../media/relay/index.ts";

/** H.264 Constrained Baseline, both packetization modes; the answer follows the caller's profile and level. */
export const H264_CONSTRAINED_BASELINE: readonly CodecSpec[] = ["42e01f", "42001f"].flatMap((pli) =>
  [1, 0].map((mode) => ({
    name: "H264",
    clockRate: 90000,
    params: [{ key: "profile-level-id", value: pli }, { key: "packetization-mode", value: String(mode) }],
  })),
);

export const SIP_VIDEO_FEEDBACK = ["nack", "nack pli", "ccm fir", "ccm tmmbr"].map(feedback);

export function callerVideoPolicy(transport: LocalTransport, sdes: SdesPolicy): MediaPolicy {
  return {
    transport,
    sdes,
    codecs: H264_CONSTRAINED_BASELINE,
    feedback: SIP_VIDEO_FEEDBACK,
    extmapUris: ["urn:3gpp:video-orientation"],
    rtcpMux: false,
  };
}

/** SDES (RFC 4568) keys we answer RTP/SAVP(F) offers with: one fresh key per suite, per session. */
export function sdesPolicy(): SdesPolicy {
  const keys: SdesPolicy["keys"] = {};
  for (const suite of SDES_SUITES) {
    const profile = srtpProfileByName(suite)!;
    const { masterKey, masterSalt } = createSdesCrypto(1, profile).keys;
    keys[suite] = Buffer.concat([masterKey, masterSalt]).toString("base64");
  }
  return { keys };
}

const SDES_SUITES = ["AES_CM_128_HMAC_SHA1_80", "AES_CM_128_HMAC_SHA1_32", "AEAD_AES_128_GCM"] as const;

/** The video m-line we offer a caller who had none (110 flow): AVP with AVPF through RFC 5939, as TS 26.114 does. */
export function callerVideoOffer(transport: LocalTransport): MediaDescription {
  return buildMediaOffer({
    kind: "video",
    transport,
    codecs: H264_CONSTRAINED_BASELINE,
    feedback: SIP_VIDEO_FEEDBACK,
    offerAvpfCapability: true,
    extmaps: [{ id: 7, uri: "urn:3gpp:video-orientation" }],
  });
}

/** Where a negotiated stream's RTP and RTCP go. */
export function remoteMediaOf(stream: NegotiatedStream): RemoteMedia | null {
  const address = stream.remote.connection?.address;
  if (!stream.accepted || !address || stream.remote.port === 0) return null;
  return { address, port: stream.remote.port, rtcpPort: stream.rtcpMux ? stream.remote.port : stream.remote.rtcpPort };
}

/** Payload type clock rates of a stream, for timestamp continuity and jitter. */
export function clockRatesOf(stream: NegotiatedStream): Record<number, number> {
  const rates: Record<number, number> = {};
  for (const c of [stream.codec, stream.telephoneEvent]) if (c) rates[c.payloadType] = c.clockRate;
  return rates;
}

/**
 * Points an endpoint at a negotiated stream (address, clock rates, SRTP); the SRTP context is kept unless the
 * a=crypto lines changed. Returns the error when the stream's keys are unusable (its media is then dropped).
 */
export function pointEndpointAt(endpoint: RelayLeg, stream: NegotiatedStream, previous: NegotiatedStream | undefined): Error | undefined {
  endpoint.setRemote(remoteMediaOf(stream));
  endpoint.setClockRates(clockRatesOf(stream));
  const same = (a?: NegotiatedStream["crypto"], b?: NegotiatedStream["crypto"]) =>
    a?.local.keyParams === b?.local.keyParams && a?.remote.keyParams === b?.remote.keyParams;
  if (previous && same(previous.crypto, stream.crypto)) return undefined;
  try {
    endpoint.setSdes(stream.crypto ? { local: stream.crypto.local, remote: stream.crypto.remote } : null);
    return undefined;
  } catch (err) {
    return err as Error;
  }
}

/** Payload-type map for one direction: what arrives numbered `from` leaves numbered `to`. */
export function payloadMap(pairs: [number | undefined, number | undefined][]): Record<number, number> {
  const map: Record<number, number> = {};
  for (const [from, to] of pairs) if (from !== undefined && to !== undefined && from !== to) map[from] = to;
  return map;
}

/** The streams a peer's answer to our offer settles, or undefined when the answer is malformed or mismatched. */
export function readAnswerSafely(offer: SessionDescription, sdp: string): NegotiatedStream[] | undefined {
  try {
    return readAnswer(offer, parseSdp(sdp));
  } catch {
    return undefined;
  }
}
