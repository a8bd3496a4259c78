/** What avsplit relays without transcoding, as ready-made capability lists for policies. */
import { feedback, type CodecSpec } from "./codecs.ts";
import type { RtcpFeedback } from "./model.ts";

/** H.264 Constrained Baseline, then Baseline (absent profile-level-id = Baseline), in modes 0 and 1. */
export const RELAYED_H264_FORMATS: readonly CodecSpec[] = ["42e01f", "42001f"].flatMap((pli) => [0, 1].map((mode) => ({
  name: "H264",
  clockRate: 90000,
  params: [{ key: "profile-level-id", value: pli }, { key: "packetization-mode", value: String(mode) }],
})));

export const G711_FORMATS: readonly CodecSpec[] = [{ name: "PCMA", clockRate: 8000 }, { name: "PCMU", clockRate: 8000 }];

/** RTCP feedback the relay serves or translates on SIP video legs (TS 26.114 set). */
export const SIP_VIDEO_FEEDBACK: readonly RtcpFeedback[] = ["nack", "nack pli", "ccm fir", "ccm tmmbr", "trr-int"].map(feedback);

/** Coordination of video orientation (TS 26.114 §7.4.5), with and without higher granularity. */
export const VIDEO_EXTMAP_URIS: readonly string[] = ["urn:3gpp:video-orientation", "urn:3gpp:video-orientation:6"];
