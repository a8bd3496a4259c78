/**
 * Records one party's RTP (an audio and a video stream) into a Matroska file: G.711 decoded to 16-bit PCM
 * (A_PCM/INT/LIT), Opus as is (A_OPUS), AMR and AMR-WB as storage-format frames (A_MS/ACM, see amr-track.ts), H.264
 * access units (V_MPEG4/ISO/AVC with avcC). Other codecs (G.722, EVS, AMR with CRC, interleaving or robust sorting)
 * are not recorded: `skipped` names them. Each stream keeps its own RTP
 * timeline, anchored at its first packet's arrival, so audio and video stay in step.
 */
import { parseSps } from "../h264/index.ts";
import type { RtpHeaderView } from "../rtp/index.ts";
import { AmrDepacketizer } from "./amr-payload.ts";
import { amrSampleRate, amrTrackFrame, amrWaveFormatEx } from "./amr-track.ts";
import { decodeG711 } from "./g711.ts";
import { avcDecoderConfiguration, H264AccessUnits } from "./h264-access-units.ts";
import { MatroskaWriter, type SeekableOutput, type TrackSpec } from "./matroska-writer.ts";

/** The negotiated codec of a stream: the payload type it arrives with, its name and clock rate. */
export interface RecordedCodec {
  /**
   * Audio packets of other types (telephone-event, CN) are skipped. Video is taken whatever its number, as the relay
   * forwards it: the video m-line carries H.264 only (no RTX/FEC is negotiated), and some senders keep the number
   * of their own offer.
   */
  payloadType: number;
  name: string;
  clockRate: number;
  /** Audio channels (absent: 1). */
  channels?: number;
  /** fmtp parameters, keys in lower case (AMR: octet-align, crc, robust-sorting, interleaving). */
  fmtp?: Readonly<Record<string, string>>;
  /** H.264: SPS/PPS from the SDP (sprop-parameter-sets), used until in-band ones arrive. */
  parameterSets?: readonly Uint8Array[];
}

export interface RtpRecorderOptions {
  audio?: RecordedCodec;
  video?: RecordedCodec;
  writingApp: string;
  /** Wall clock at start (ms since 1970); arrival times passed in are on the same clock. */
  startedAt: number;
}

export interface RecordingSummary {
  durationMs: number;
  bytes: number;
  audioFrames: number;
  videoFrames: number;
  /** Codecs that were negotiated but cannot be stored, e.g. ["G722"]. */
  skipped: string[];
  /** Audio packets left out as malformed (e.g. an AMR payload with a reserved frame type or cut short). */
  malformedAudio?: number;
}

const AUDIO_TRACK = 1;
const VIDEO_TRACK = 2;
/** A stream whose RTP clock drifts this far from arrival time (new source, hold, clock jump) is re-anchored. */
const RESYNC_MS = 2000;

/** An RTP timestamp -> ms since the recording started, unwrapped, re-anchored on jumps, never going back. */
export class RtpTimeline {
  private baseTs = 0;
  private baseMs = -1;
  private lastTs = 0;
  private extended = 0;
  private lastMs = 0;

  constructor(private readonly clockRate: number) {}

  toMs(timestamp: number, arrivalMs: number): number {
    if (this.baseMs < 0) {
      this.baseMs = arrivalMs;
      this.baseTs = this.extended = timestamp;
    } else {
      this.extended += (timestamp - this.lastTs) | 0;
    }
    this.lastTs = timestamp;
    let ms = this.baseMs + ((this.extended - this.baseTs) * 1000) / this.clockRate;
    if (Math.abs(ms - arrivalMs) > RESYNC_MS) {
      this.baseMs = ms = arrivalMs;
      this.baseTs = this.extended;
    }
    ms = Math.max(ms, this.lastMs);
    this.lastMs = ms;
    return ms;
  }
}

/** A block to store: its data, the RTP timestamp it starts at and its ms of sound (undefined: up to the next block). */
type EmitBlock = (data: Uint8Array, timestamp: number, ms?: number) => void;

interface AudioFormat {
  track: TrackSpec;
  /** Turns one packet's payload into the blocks to store. */
  store(payload: Uint8Array, timestamp: number, emit: EmitBlock): void;
  /** Packets left out as unusable. */
  malformed(): number;
}

/** RFC 7845 §5.1 identification header; RTP Opus is always signalled as 2 channels at 48 kHz. */
function opusHead(): Uint8Array {
  const head = new Uint8Array(19);
  head.set(new TextEncoder().encode("OpusHead"));
  const dv = new DataView(head.buffer);
  head[8] = 1;
  head[9] = 2;
  dv.setUint16(10, 0, true);
  dv.setUint32(12, 48000, true);
  return head;
}

/** AMR payload options the depacketizer does not take (none of them is used by VoLTE, 3GPP TS 26.114). */
const AMR_UNSUPPORTED = ["crc", "robust-sorting", "interleaving"];

/** AMR / AMR-WB, or the reason it cannot be recorded. */
function amrFormat(codec: RecordedCodec, wideband: boolean): AudioFormat | string {
  const fmtp = codec.fmtp ?? {};
  const option = AMR_UNSUPPORTED.find((k) => k in fmtp && fmtp[k] !== "0");
  if (option) return `${codec.name} (${option})`;
  if ((codec.channels ?? 1) !== 1) return `${codec.name} (${codec.channels} channels)`;
  const depacketizer = new AmrDepacketizer({ wideband, octetAligned: fmtp["octet-align"] === "1" });
  return {
    track: { number: AUDIO_TRACK, kind: "audio", codecId: "A_MS/ACM", codecPrivate: amrWaveFormatEx(wideband), audio: { samplingFrequency: amrSampleRate(wideband), channels: 1 } },
    store: (payload, timestamp, emit) => depacketizer.push(payload, timestamp, (frame, ts) => emit(amrTrackFrame(wideband, frame), ts, 20)),
    malformed: () => depacketizer.malformed,
  };
}

/** How `codec` is stored, or why it is not (a codec name for `skipped`). */
function audioFormat(codec: RecordedCodec): AudioFormat | string {
  const name = codec.name.toUpperCase();
  if ((name === "PCMU" || name === "PCMA") && codec.clockRate === 8000) {
    return {
      track: { number: AUDIO_TRACK, kind: "audio", codecId: "A_PCM/INT/LIT", audio: { samplingFrequency: 8000, channels: 1, bitDepth: 16 } },
      store: (payload, timestamp, emit) => emit(decodeG711(name, payload), timestamp, payload.length / 8),
      malformed: () => 0,
    };
  }
  if (name === "OPUS") {
    return {
      track: { number: AUDIO_TRACK, kind: "audio", codecId: "A_OPUS", codecPrivate: opusHead(), codecDelayNs: 0, seekPreRollNs: 80_000_000, audio: { samplingFrequency: 48000, channels: 2 } },
      store: (payload, timestamp, emit) => emit(payload.slice(), timestamp),
      malformed: () => 0,
    };
  }
  if ((name === "AMR" && codec.clockRate === 8000) || (name === "AMR-WB" && codec.clockRate === 16000)) return amrFormat(codec, name === "AMR-WB");
  return codec.name;
}

export class RtpRecorder {
  readonly skipped: string[] = [];
  private readonly writer: MatroskaWriter;
  private readonly audio: { codec: RecordedCodec; format: AudioFormat; timeline: RtpTimeline; lastMs: number } | undefined;
  private readonly video: { codec: RecordedCodec; units: H264AccessUnits; timeline: RtpTimeline; lastMs: number; avcC?: Uint8Array } | undefined;
  private finished: RecordingSummary | undefined;

  constructor(out: SeekableOutput, private readonly opts: RtpRecorderOptions) {
    const tracks: TrackSpec[] = [];
    const format = opts.audio && audioFormat(opts.audio);
    if (typeof format === "string") {
      this.skipped.push(format);
    } else if (opts.audio && format) {
      this.audio = { codec: opts.audio, format, timeline: new RtpTimeline(opts.audio.clockRate), lastMs: -1 };
      tracks.push(format.track);
    }
    if (opts.video && opts.video.name.toUpperCase() === "H264") {
      this.video = { codec: opts.video, units: new H264AccessUnits(opts.video.parameterSets), timeline: new RtpTimeline(90000), lastMs: -1 };
      tracks.push(videoTrack());
    } else if (opts.video) {
      this.skipped.push(opts.video.name);
    }
    this.writer = new MatroskaWriter(out, tracks, { writingApp: opts.writingApp, startedAt: opts.startedAt });
  }


  /** A packet of the audio stream (other payload types, e.g. telephone-event, are ignored). */
  onAudio(view: RtpHeaderView, arrivalMs: number): void {
    const a = this.audio;
    if (!a || this.finished || view.payloadType !== a.codec.payloadType || view.payloadLength === 0) return;
    const payload = view.buffer.subarray(view.payloadOffset, view.payloadOffset + view.payloadLength);
    const atMs = arrivalMs - this.opts.startedAt;
    a.format.store(payload, view.timestamp, (data, timestamp, frameMs) => {
      const ms = a.timeline.toMs(timestamp, atMs);
      const duration = frameMs ?? (a.lastMs < 0 ? 20 : ms - a.lastMs);
      a.lastMs = ms;
      this.writer.writeFrame(AUDIO_TRACK, ms, data, true, duration);
    });
  }

  onVideo(view: RtpHeaderView, arrivalMs: number): void {
    const v = this.video;
    if (!v || this.finished) return;
    const payload = view.buffer.subarray(view.payloadOffset, view.payloadOffset + view.payloadLength);
    const unit = v.units.push(payload, view.sequenceNumber, view.timestamp, view.marker);
    if (!unit) return;
    const ms = v.timeline.toMs(unit.rtpTimestamp, arrivalMs - this.opts.startedAt);
    if (unit.keyframe) this.describeVideo(v);
    this.writer.writeFrame(VIDEO_TRACK, ms, unit.data, unit.keyframe, v.lastMs < 0 ? 0 : ms - v.lastMs);
    v.lastMs = ms;
  }

  /** The first keyframe (or one with new parameter sets) gives the track its avcC and picture size. */
  private describeVideo(v: NonNullable<RtpRecorder["video"]>): void {
    const avcC = avcDecoderConfiguration(v.units.sps!, v.units.pps!);
    if (v.avcC && avcC.length === v.avcC.length && avcC.every((b, i) => b === v.avcC![i])) return;
    v.avcC = avcC;
    let size: { width: number; height: number } | undefined;
    try {
      const sps = parseSps(v.units.sps!);
      size = { width: sps.width, height: sps.height };
    } catch {
      size = undefined;
    }
    this.writer.setTrack({ ...videoTrack(), codecPrivate: avcC, video: size ?? { width: 0, height: 0 } });
  }

  /** Writes the index and the duration; the output may be closed afterwards. Idempotent. */
  finish(): RecordingSummary {
    if (!this.finished) {
      const { durationMs, bytes } = this.writer.finish();
      this.finished = {
        durationMs, bytes, skipped: this.skipped, malformedAudio: this.audio?.format.malformed() ?? 0,
        audioFrames: this.writer.frames(AUDIO_TRACK), videoFrames: this.writer.frames(VIDEO_TRACK),
      };
    }
    return this.finished;
  }
}

function videoTrack(): TrackSpec {
  return { number: VIDEO_TRACK, kind: "video", codecId: "V_MPEG4/ISO/AVC", video: { width: 0, height: 0 } };
}
