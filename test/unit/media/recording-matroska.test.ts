/**
 * The recorder's protocol pieces: G.711 tables, EBML encoding, the H.264 depacketizer and the Matroska layout
 * (checked by an EBML walk of the file), and a file from the real captures that ffprobe and ffmpeg read.
 */
import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { decodeG711, ALAW_TO_PCM, ULAW_TO_PCM } from "../../../src/media/recording/g711.ts";
import { Id, vint, voidElement } from "../../../src/media/recording/ebml.ts";
import { H264AccessUnits, avcDecoderConfiguration } from "../../../src/media/recording/h264-access-units.ts";
import { MatroskaWriter, type SeekableOutput } from "../../../src/media/recording/matroska-writer.ts";
import { RtpTimeline } from "../../../src/media/recording/index.ts";
import { RtpHeaderView } from "../../../src/media/rtp/index.ts";
import { readPcapFile } from "../../support/pcap.ts";
import { MEDIA_FIXTURES } from "../../support/media-fixtures.ts";
import { h264CapturePackets } from "../../support/h264-stream.ts";
import { recordToFile } from "../../support/recorder-feed.ts";
import { tempDir } from "../../support/temp-dir.ts";

class MemoryOutput implements SeekableOutput {
  bytes = new Uint8Array(1 << 20);
  length = 0;
  write(b: Uint8Array, position: number): void {
    while (position + b.length > this.bytes.length) {
      const grown = new Uint8Array(this.bytes.length * 2);
      grown.set(this.bytes);
      this.bytes = grown;
    }
    this.bytes.set(b, position);
    this.length = Math.max(this.length, position + b.length);
  }
  get data() { return this.bytes.subarray(0, this.length); }
}

interface Element { id: number; start: number; dataStart: number; size: number; children?: Element[] }
const MASTERS = new Set<number>([Id.EBML, Id.Segment, Id.SeekHead, Id.Seek, Id.Info, Id.Tracks, Id.TrackEntry, Id.Video, Id.Audio, Id.Cluster, Id.Cues, Id.CuePoint, Id.CueTrackPositions]);

/** A strict EBML walk: every size must fit its parent exactly. */
function walk(b: Uint8Array, start: number, end: number): Element[] {
  const out: Element[] = [];
  let p = start;
  while (p < end) {
    const idLen = Math.clz32(b[p]) - 23;
    let id = 0;
    for (let i = 0; i < idLen; i++) id = id * 256 + b[p + i];
    const s = p + idLen;
    const sizeLen = Math.clz32(b[s]) - 23;
    let size = b[s] & (0xff >> sizeLen);
    for (let i = 1; i < sizeLen; i++) size = size * 256 + b[s + i];
    const dataStart = s + sizeLen;
    if (dataStart + size > end) throw new Error(`element 0x${id.toString(16)} at ${p} overruns its parent`);
    const el: Element = { id, start: p, dataStart, size };
    if (MASTERS.has(id)) el.children = walk(b, dataStart, dataStart + size);
    out.push(el);
    p = dataStart + size;
  }
  return out;
}
const readUint = (b: Uint8Array, e: Element) => { let v = 0; for (let i = 0; i < e.size; i++) v = v * 256 + b[e.dataStart + i]; return v; };
const readFloat = (b: Uint8Array, e: Element) => new DataView(b.buffer, b.byteOffset + e.dataStart, 8).getFloat64(0);
const child = (e: Element, id: number) => e.children!.find((c) => c.id === id)!;
const text = (b: Uint8Array, e: Element) => new TextDecoder().decode(b.subarray(e.dataStart, e.dataStart + e.size));

function rtp(pt: number, seq: number, ts: number, payload: Uint8Array, marker = false): RtpHeaderView {
  const packet = new Uint8Array(12 + payload.length);
  packet[0] = 0x80;
  packet[1] = (marker ? 0x80 : 0) | pt;
  new DataView(packet.buffer).setUint16(2, seq);
  new DataView(packet.buffer).setUint32(4, ts >>> 0);
  packet.set(payload, 12);
  const v = new RtpHeaderView();
  v.wrap(packet);
  return v;
}

describe("G.711 decoding", () => {
  test("μ-law and A-law tables give the G.711 reference values", () => {
    expect([ULAW_TO_PCM[0xff], ULAW_TO_PCM[0x7f], ULAW_TO_PCM[0x00], ULAW_TO_PCM[0x80]]).toEqual([0, 0, -32124, 32124]);
    expect([ALAW_TO_PCM[0xd5], ALAW_TO_PCM[0x55], ALAW_TO_PCM[0xaa], ALAW_TO_PCM[0x2a]]).toEqual([8, -8, 32256, -32256]);
  });

  test("the captured 440 Hz tone decodes to a loud, zero-mean little-endian signal", () => {
    const v = new RtpHeaderView();
    const ulaw = new Uint8Array(readPcapFile(join(MEDIA_FIXTURES, "pcmu_rtp.pcap")).slice(0, 50).flatMap((d) => {
      v.wrap(d.payload);
      return [...d.payload.subarray(v.payloadOffset, v.payloadOffset + v.payloadLength)];
    }));
    const pcm = decodeG711("PCMU", ulaw);
    expect(pcm.length).toBe(16000);
    const samples = new Int16Array(pcm.buffer.slice(0));
    const mean = samples.reduce((a, s) => a + s, 0) / samples.length;
    const peak = samples.reduce((a, s) => Math.max(a, Math.abs(s)), 0);
    expect(Math.abs(mean)).toBeLessThan(200);
    expect(peak).toBeGreaterThan(4000);
    // 440 Hz at 8 kHz: about 880 zero crossings per second
    let crossings = 0;
    for (let i = 1; i < samples.length; i++) if ((samples[i - 1] < 0) !== (samples[i] < 0)) crossings++;
    expect(crossings).toBeGreaterThan(860);
    expect(crossings).toBeLessThan(900);
  });
});

describe("EBML encoding", () => {
  test("sizes use the shortest form unless a width is forced; Void fills exactly", () => {
    expect([...vint(0)]).toEqual([0x80]);
    expect([...vint(126)]).toEqual([0xfe]);
    expect([...vint(127)]).toEqual([0x40, 0x7f]);
    expect([...vint(5, 8)]).toEqual([1, 0, 0, 0, 0, 0, 0, 5]);
    expect(() => vint(200, 1)).toThrow(RangeError);
    for (const n of [2, 128, 129, 1000]) {
      const v = voidElement(n);
      expect(v.length).toBe(n);
      expect(walk(v, 0, n)).toHaveLength(1);
    }
  });
});

describe("H.264 depacketizer", () => {
  test("the capture's packets become access units: every one length-prefixed, the first an IDR, SPS/PPS kept", () => {
    const units = new H264AccessUnits();
    const v = new RtpHeaderView();
    const out = [];
    for (const p of h264CapturePackets()) {
      v.wrap(p);
      const u = units.push(p.subarray(v.payloadOffset, v.payloadOffset + v.payloadLength), v.sequenceNumber, v.timestamp, v.marker);
      if (u) out.push(u);
    }
    expect(out.length).toBeGreaterThan(200);
    expect(out[0].keyframe).toBe(true);
    for (const u of out) {
      let p = 0;
      const dv = new DataView(u.data.buffer, u.data.byteOffset);
      while (p < u.data.length) p += 4 + dv.getUint32(p);
      expect(p).toBe(u.data.length);
    }
    const avcC = avcDecoderConfiguration(units.sps!, units.pps!);
    expect([avcC[0], avcC[4], avcC[5] & 0x1f]).toEqual([1, 0xff, 1]);
  });

  test("a lost packet drops the damaged picture and what follows until the next IDR", () => {
    const units = new H264AccessUnits();
    const v = new RtpHeaderView();
    const packets = h264CapturePackets();
    const emittedAfterLoss: boolean[] = [];
    let lost = false;
    packets.forEach((p, i) => {
      if (i === 60) return void (lost = true);
      v.wrap(p);
      const u = units.push(p.subarray(v.payloadOffset, v.payloadOffset + v.payloadLength), v.sequenceNumber, v.timestamp, v.marker);
      if (u && lost) emittedAfterLoss.push(u.keyframe);
    });
    expect(units.dropped).toBeGreaterThan(0);
    expect(emittedAfterLoss[0]).toBe(true);
  });
});

describe("RTP timeline", () => {
  test("follows the RTP clock across a 32-bit wrap and re-anchors on a jump", () => {
    const t = new RtpTimeline(8000);
    expect(t.toMs(0xffffff00, 100)).toBe(100);
    expect(t.toMs(0x00000060, 120)).toBe(144); // 0x160 samples after the first: the RTP clock, not the arrival jitter
    expect(t.toMs(0x12345678, 10_000)).toBe(10_000);
    expect(t.toMs(0x12345678 + 160, 10_020)).toBe(10_020);
    expect(t.toMs(0x12345678, 10_040)).toBe(10_020); // never backwards
  });
});

describe("Matroska writer", () => {
  test("the layout: EBML header, a Segment of exact size with SeekHead, Info (Duration), Tracks, Clusters and Cues", () => {
    const out = new MemoryOutput();
    const w = new MatroskaWriter(out, [
      { number: 1, kind: "audio", codecId: "A_PCM/INT/LIT", audio: { samplingFrequency: 8000, channels: 1, bitDepth: 16 } },
      { number: 2, kind: "video", codecId: "V_MPEG4/ISO/AVC", video: { width: 0, height: 0 } },
    ], { writingApp: "test", startedAt: Date.UTC(2026, 0, 1) });
    for (let i = 0; i < 400; i++) w.writeFrame(1, i * 20, new Uint8Array(320), true, 20);
    const { durationMs, bytes } = w.finish();
    expect(durationMs).toBe(8000);
    expect(bytes).toBe(out.length);
    const top = walk(out.data, 0, out.length);
    expect(top.map((e) => e.id)).toEqual([Id.EBML, Id.Segment]);
    expect(text(out.data, child(top[0], Id.DocType))).toBe("matroska");
    const segment = top[1];
    expect(segment.dataStart + segment.size).toBe(out.length);
    const level1 = segment.children!.map((e) => e.id);
    expect(level1.slice(0, 5)).toEqual([Id.SeekHead, Id.Void, Id.Info, Id.Tracks, Id.Void]);
    expect(level1.filter((id) => id === Id.Cluster).length).toBe(2); // 5 s clusters
    expect(level1.at(-1)).toBe(Id.Cues);
    const info = segment.children!.find((e) => e.id === Id.Info)!;
    expect(readFloat(out.data, child(info, Id.Duration))).toBe(8000);
    expect(readUint(out.data, child(info, Id.TimestampScale))).toBe(1_000_000);
    // the video track never got a frame: it is left out
    const tracks = segment.children!.find((e) => e.id === Id.Tracks)!;
    expect(tracks.children!.map((t) => text(out.data, child(t, Id.CodecID)))).toEqual(["A_PCM/INT/LIT"]);
    // every SeekHead entry points at the element it names
    const seekHead = segment.children![0];
    for (const seek of seekHead.children!) {
      const idEl = child(seek, Id.SeekID);
      const target = segment.dataStart + readUint(out.data, child(seek, Id.SeekPosition));
      const targetId = readUint(out.data, { ...idEl });
      expect(segment.children!.find((e) => e.start === target)?.id).toBe(targetId);
    }
    // every cue points at a cluster
    const cues = segment.children!.at(-1)!;
    for (const cue of cues.children!) {
      const pos = segment.dataStart + readUint(out.data, child(child(cue, Id.CueTrackPositions), Id.CueClusterPosition));
      expect(segment.children!.find((e) => e.start === pos)?.id).toBe(Id.Cluster);
    }
  });

  const ffprobe = Bun.which("ffprobe");
  test.skipIf(!ffprobe)("the real captures (PCMU tone + H.264 352x288) make a file ffprobe reads and ffmpeg decodes without error", async () => {
    const dir = tempDir("avsplit-rec-");
    try {
      const file = join(dir.path, "rec.mkv");
      const audio = readPcapFile(join(MEDIA_FIXTURES, "pcmu_rtp.pcap"));
      const video = readPcapFile(join(MEDIA_FIXTURES, "h264_rtp.pcap"));
      const t0 = 1_700_000_000_000;
      const packets = [
        ...audio.map((d, i) => ({ kind: "audio" as const, at: t0 + i * 20, data: d.payload })),
        ...video.map((d) => ({ kind: "video" as const, at: t0 + (d.timeUs - video[0].timeUs) / 1000, data: d.payload })),
      ].sort((a, b) => a.at - b.at);
      const summary = await recordToFile(file, {
        audio: { payloadType: 0, name: "PCMU", clockRate: 8000 },
        video: { payloadType: 97, name: "H264", clockRate: 90000 },
        writingApp: "test", startedAt: t0,
      }, packets);
      expect(summary.audioFrames).toBe(500);
      expect(summary.videoFrames).toBeGreaterThan(200);
      const probe = Bun.spawnSync([ffprobe!, "-v", "error", "-show_entries", "format=duration:stream=codec_type,codec_name,width,height,sample_rate", "-of", "json", file]);
      expect(probe.stderr.toString()).toBe("");
      const info = JSON.parse(probe.stdout.toString());
      expect(info.streams).toEqual([
        { codec_name: "pcm_s16le", codec_type: "audio", sample_rate: "8000" },
        { codec_name: "h264", codec_type: "video", width: 352, height: 288 },
      ]);
      const mediaMs = Math.max(packets.at(-1)!.at - t0, 10_000);
      expect(Math.abs(Number(info.format.duration) * 1000 - mediaMs)).toBeLessThan(1000);
      const decode = Bun.spawnSync(["ffmpeg", "-v", "error", "-i", file, "-f", "null", "-"]);
      expect(decode.stderr.toString()).toBe("");
      expect(decode.exitCode).toBe(0);
    } finally {
      dir.cleanup();
    }
  });
});
