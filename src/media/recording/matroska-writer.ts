/**
 * A seekable Matroska writer for live recording. Layout:
 *
 *   EBML header | Segment(size patched at finish)
 *     [reserved: SeekHead written at finish] Info(Duration patched at finish) [reserved: Tracks, rewritten in place]
 *     Cluster* (each written whole, with its size, once closed) | Cues
 *
 * Tracks sit in a fixed reserved region so they can be rewritten when a track learns its parameters (the H.264
 * SPS/PPS arrive with the first keyframe) and at finish (tracks that never got a frame are left out). The file is
 * playable while it grows (clusters are complete); after finish() it is seekable and carries its Duration.
 */
import { binary, concat, element, float, Id, idBytes, master, string, uint, vint, voidElement } from "./ebml.ts";

/** Where the bytes go: positional writes (a file), so the head can be patched. */
export interface SeekableOutput {
  write(bytes: Uint8Array, position: number): void;
}

export interface TrackSpec {
  number: number;
  kind: "audio" | "video";
  codecId: string;
  codecPrivate?: Uint8Array;
  /** Opus: pre-skip and seek pre-roll, in ns. */
  codecDelayNs?: number;
  seekPreRollNs?: number;
  audio?: { samplingFrequency: number; channels: number; bitDepth?: number };
  video?: { width: number; height: number };
}

export interface MatroskaWriterOptions {
  writingApp: string;
  /** Wall-clock start of the recording (ms since 1970), stored as DateUTC. */
  startedAt?: number;
}

/** A new cluster starts at a video keyframe once the open one is this old (seek points), and always at the maximum. */
const MIN_CLUSTER_MS = 1000;
const MAX_CLUSTER_MS = 5000;
const SEEK_HEAD_RESERVE = 96;
const TRACKS_RESERVE = 1536;
/** ms between 2001-01-01 (Matroska's DateUTC epoch) and 1970-01-01. */
const MATROSKA_EPOCH_MS = 978_307_200_000;
const SIMPLE_BLOCK_ID = idBytes(Id.SimpleBlock);

export class MatroskaWriter {
  private position = 0;
  private readonly segmentSizeAt: number;
  private readonly segmentDataAt: number;
  private readonly seekHeadAt: number;
  private readonly durationAt: number;
  private readonly infoAt: number;
  private readonly tracksAt: number;
  private readonly tracks = new Map<number, TrackSpec>();
  private readonly framesPerTrack = new Map<number, number>();
  private cluster: Uint8Array[] = [];
  private clusterTs = -1;
  private readonly cues: { time: number; track: number; position: number }[] = [];
  private endMs = 0;
  private finished = false;

  constructor(private readonly out: SeekableOutput, tracks: readonly TrackSpec[], opts: MatroskaWriterOptions) {
    for (const t of tracks) this.tracks.set(t.number, t);
    // "matroska", not "webm": H.264 and PCM are not WebM codecs.
    this.append(master(Id.EBML, [
      uint(Id.EBMLVersion, 1), uint(Id.EBMLReadVersion, 1), uint(Id.EBMLMaxIDLength, 4), uint(Id.EBMLMaxSizeLength, 8),
      string(Id.DocType, "matroska"), uint(Id.DocTypeVersion, 4), uint(Id.DocTypeReadVersion, 2),
    ]));
    this.append(idBytes(Id.Segment));
    this.segmentSizeAt = this.position;
    this.append(vint(0, 8));
    this.segmentDataAt = this.position;
    this.seekHeadAt = this.position;
    this.append(voidElement(SEEK_HEAD_RESERVE));
    this.infoAt = this.position;
    const infoChildren = [uint(Id.TimestampScale, 1_000_000), string(Id.MuxingApp, opts.writingApp), string(Id.WritingApp, opts.writingApp)];
    if (opts.startedAt !== undefined) infoChildren.push(dateUtc(opts.startedAt));
    const head = concat(infoChildren);
    // Duration last, at a known offset, so finish() can rewrite its 8 bytes.
    const info = master(Id.Info, [head, float(Id.Duration, 0)]);
    this.durationAt = this.position + info.length - 8;
    this.append(info);
    this.tracksAt = this.position;
    this.append(this.tracksRegion([...this.tracks.values()]));
  }

  /** Replaces a track's description (e.g. its CodecPrivate once known) and rewrites the Tracks region. */
  setTrack(track: TrackSpec): void {
    this.tracks.set(track.number, track);
    this.out.write(this.tracksRegion([...this.tracks.values()]), this.tracksAt);
  }

  /** One frame of `track` at `timeMs` (from the recording's start; non-decreasing per track is the caller's job). */
  writeFrame(track: number, timeMs: number, frame: Uint8Array, keyframe: boolean, durationMs = 0): void {
    if (this.finished) return;
    const t = Math.max(0, Math.round(timeMs));
    const isVideo = this.tracks.get(track)?.kind === "video";
    const age = t - this.clusterTs;
    const newCluster = this.clusterTs < 0 || age >= MAX_CLUSTER_MS || age < -30_000 || (isVideo && keyframe && age >= MIN_CLUSTER_MS);
    if (newCluster) {
      this.closeCluster();
      this.clusterTs = t;
      this.cluster.push(uint(Id.Timestamp, t));
      if (keyframe) this.cues.push({ time: t, track, position: this.position - this.segmentDataAt });
    }
    const header = new Uint8Array(4);
    header[0] = 0x80 | track; // track numbers < 127: a one-byte vint
    const rel = t - this.clusterTs;
    header[1] = (rel >> 8) & 0xff;
    header[2] = rel & 0xff;
    header[3] = keyframe ? 0x80 : 0;
    this.cluster.push(SIMPLE_BLOCK_ID, vint(4 + frame.length), header, frame);
    this.framesPerTrack.set(track, (this.framesPerTrack.get(track) ?? 0) + 1);
    this.endMs = Math.max(this.endMs, t + durationMs);
  }

  /** Frames written per track number. */
  frames(track: number): number { return this.framesPerTrack.get(track) ?? 0; }

  /** Writes the last cluster, Cues, SeekHead, Duration and the Segment size. Idempotent. */
  finish(): { durationMs: number; bytes: number } {
    if (!this.finished) {
      this.finished = true;
      this.closeCluster();
      const cuesAt = this.position;
      if (this.cues.length) {
        this.append(master(Id.Cues, this.cues.map((c) => master(Id.CuePoint, [
          uint(Id.CueTime, c.time),
          master(Id.CueTrackPositions, [uint(Id.CueTrack, c.track), uint(Id.CueClusterPosition, c.position)]),
        ]))));
      }
      this.setTracksWithFrames();
      const seeks = [[Id.Info, this.infoAt], [Id.Tracks, this.tracksAt]];
      if (this.cues.length) seeks.push([Id.Cues, cuesAt]);
      const seekHead = master(Id.SeekHead, seeks.map(([id, at]) => master(Id.Seek, [binary(Id.SeekID, idBytes(id)), uint(Id.SeekPosition, at - this.segmentDataAt)])));
      this.out.write(concat([seekHead, voidElement(SEEK_HEAD_RESERVE - seekHead.length)]), this.seekHeadAt);
      const duration = new Uint8Array(8);
      new DataView(duration.buffer).setFloat64(0, this.endMs);
      this.out.write(duration, this.durationAt);
      this.out.write(vint(this.position - this.segmentDataAt, 8), this.segmentSizeAt);
    }
    return { durationMs: this.endMs, bytes: this.position };
  }

  private setTracksWithFrames(): void {
    const used = [...this.tracks.values()].filter((t) => this.frames(t.number) > 0);
    if (used.length !== this.tracks.size) this.out.write(this.tracksRegion(used), this.tracksAt);
  }

  private closeCluster(): void {
    if (this.cluster.length === 0) return;
    let size = 0;
    for (const part of this.cluster) size += part.length;
    this.append(concat([idBytes(Id.Cluster), vint(size, 8), ...this.cluster]));
    this.cluster = [];
  }

  private tracksRegion(tracks: readonly TrackSpec[]): Uint8Array {
    const entries = master(Id.Tracks, tracks.map(trackEntry));
    if (entries.length + 2 > TRACKS_RESERVE) throw new RangeError(`track descriptions over ${TRACKS_RESERVE - 2} bytes`);
    return concat([entries, voidElement(TRACKS_RESERVE - entries.length)]);
  }

  private append(bytes: Uint8Array): void {
    this.out.write(bytes, this.position);
    this.position += bytes.length;
  }
}

function trackEntry(t: TrackSpec): Uint8Array {
  const children = [
    uint(Id.TrackNumber, t.number), uint(Id.TrackUID, t.number), uint(Id.TrackType, t.kind === "video" ? 1 : 2),
    uint(Id.FlagLacing, 0), string(Id.CodecID, t.codecId),
  ];
  if (t.codecPrivate) children.push(binary(Id.CodecPrivate, t.codecPrivate));
  if (t.codecDelayNs !== undefined) children.push(uint(Id.CodecDelay, t.codecDelayNs));
  if (t.seekPreRollNs !== undefined) children.push(uint(Id.SeekPreRoll, t.seekPreRollNs));
  if (t.video) children.push(master(Id.Video, [uint(Id.PixelWidth, t.video.width), uint(Id.PixelHeight, t.video.height)]));
  if (t.audio) {
    const a = [float(Id.SamplingFrequency, t.audio.samplingFrequency), uint(Id.Channels, t.audio.channels)];
    if (t.audio.bitDepth) a.push(uint(Id.BitDepth, t.audio.bitDepth));
    children.push(master(Id.Audio, a));
  }
  return master(Id.TrackEntry, children);
}

/** DateUTC: signed ns since 2001-01-01, 8 bytes. */
function dateUtc(ms: number): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigInt64(0, BigInt(Math.round(ms - MATROSKA_EPOCH_MS)) * 1_000_000n);
  return element(Id.DateUTC, out);
}
