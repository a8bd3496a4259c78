/**
 * One recording of a session: the caller's audio and video, tapped off their media endpoints (before the relay
 * rewrites the packets) into a Matroska file the storage gave us. A write error stops the recording, never the call.
 */
import type { MediaEndpoint, RelayLeg } from "../media/relay/index.ts";
import { FileOutput, RtpRecorder, type RecordedCodec, type RecordingSummary } from "../media/recording/index.ts";
import { parseSpropParameterSets } from "../media/h264/index.ts";
import { KeyframeRequester, peerFeedbackFromRtcpFb } from "../media/keyframe/index.ts";
import { serializeRtcp } from "../media/rtcp/index.ts";
import type { Clock } from "../util/clock.ts";
import type { NegotiatedStream } from "../sdp/index.ts";
import { createLogger } from "../observability/log.ts";
import { VERSION } from "../version.ts";

const log = createLogger("session.recording");

export type RecordingMode = "all" | "on-demand" | "none";

/** Where recordings go (store/ implements it): a new file per recording, and its completion. */
export interface RecordingStorage {
  /** Reserves a new file for the session's recording (audited as started); returns its id and absolute path. */
  open(sessionId: string, by: string): { id: string; path: string };
  /**
   * The recording ended (or failed and `result` says what was written); the file is complete once `written`
   * resolves (it rejects when a write failed).
   */
  close(id: string, result: RecordingResult, written?: Promise<void>): void;
}

export interface RecordingResult extends RecordingSummary {
  reason: string;
  by: string;
  error?: string;
}

export interface RecordingPolicy {
  mode: RecordingMode;
  storage: RecordingStorage;
}

export interface RecordedStream<E extends RelayLeg = RelayLeg> {
  endpoint: E;
  stream: NegotiatedStream;
}

/** The caller's streams a recording takes: audio from any relay leg, video from this thread's endpoint. */
export interface RecordedStreams { audio?: RecordedStream; video?: RecordedStream<MediaEndpoint> }

/** The codec the far end sends on `stream`, as the recorder needs it. */
export function recordedCodec(stream: NegotiatedStream): RecordedCodec | undefined {
  const codec = stream.codec;
  if (!codec || stream.receivePayloadType === undefined) return undefined;
  const sprop = codec.params.find((p) => p.key.toLowerCase() === "sprop-parameter-sets")?.value;
  let parameterSets: Uint8Array[] | undefined;
  try {
    parameterSets = sprop ? parseSpropParameterSets(sprop) : undefined;
  } catch {
    parameterSets = undefined;
  }
  const fmtp = Object.fromEntries(codec.params.map((p) => [p.key.toLowerCase(), p.value ?? ""]));
  return { payloadType: stream.receivePayloadType, name: codec.name, clockRate: codec.clockRate, channels: codec.channels, fmtp, parameterSets };
}

/**
 * One keyframe request (PLI or FIR) to the sender of `video`, for a recording that starts while no agent video link
 * (which has its own requester) is up: the recording's video starts at an IDR, and VoLTE phones send one only when
 * asked. No SIP INFO fallback here: the agent's join asks that way, and a transaction per recording start is not worth it.
 */
export function requestKeyframeOnce(video: RecordedStream<MediaEndpoint>, clock: Clock): void {
  const { endpoint, stream } = video;
  const peer = { ...peerFeedbackFromRtcpFb([...stream.feedback]), sipInfo: false };
  const requester = new KeyframeRequester({ clock, senderSsrc: endpoint.ssrc, mediaSsrc: Math.max(0, endpoint.rx.ssrc), peer });
  const action = requester.request({ force: true });
  requester.close();
  if (action && action.kind !== "sip-info") endpoint.sendRtcp(serializeRtcp([action.packet]));
}

export class SessionRecording {
  readonly id: string;
  private readonly output: FileOutput;
  private readonly recorder: RtpRecorder;
  private stopped = false;

  constructor(
    private readonly storage: RecordingStorage,
    sessionId: string,
    by: string,
    private readonly audio: RecordedStream | undefined,
    private readonly video: RecordedStream | undefined,
    startedAt: number,
  ) {
    const file = storage.open(sessionId, by);
    this.id = file.id;
    try {
      this.output = new FileOutput(file.path);
    } catch (err) {
      storage.close(file.id, { durationMs: 0, bytes: 0, audioFrames: 0, videoFrames: 0, skipped: [], reason: "failed", by, error: (err as Error).message });
      throw err;
    }
    this.recorder = new RtpRecorder(this.output, {
      audio: audio && recordedCodec(audio.stream), video: video && recordedCodec(video.stream), writingApp: `avsplit ${VERSION}`, startedAt,
    });
    if (audio) {
      audio.endpoint.tap = (view, now) => {
        try { this.recorder.onAudio(view, now); } catch (err) { this.writeFailed(err); }
      };
    }
    if (video) {
      video.endpoint.tap = (view, now) => {
        try { this.recorder.onVideo(view, now); } catch (err) { this.writeFailed(err); }
      };
    }
  }

  get active(): boolean { return !this.stopped; }

  stop(reason: string, by: string, error?: string): void {
    if (this.stopped) return;
    this.stopped = true;
    for (const s of [this.audio, this.video]) if (s) s.endpoint.tap = null;
    let summary: RecordingSummary = { durationMs: 0, bytes: 0, audioFrames: 0, videoFrames: 0, skipped: this.recorder.skipped };
    try {
      summary = this.recorder.finish();
    } catch (err) {
      error ??= (err as Error).message;
    }
    if (summary.malformedAudio) log.warn("malformed audio packets left out of the recording", { recording: this.id, packets: summary.malformedAudio });
    this.storage.close(this.id, { ...summary, reason, by, error }, this.output.close());
  }

  /** A write to the recording threw (disk full, I/O error): the recording stops, the call goes on. */
  private writeFailed(err: unknown): void {
    log.error("recording write failed: recording stopped", { recording: this.id, err });
    this.stop("failed", "system", (err as Error).message);
  }
}
