/**
 * AMR / AMR-WB recording: RFC 4867 payloads (bandwidth-efficient and octet-aligned, several frames per packet, SID,
 * NO_DATA) to exact storage-format frames, malformed payloads counted and skipped, loss and DTX pauses filled with
 * NO_DATA, and recorded files that the real ffprobe / ffmpeg read as amr_wb / amr_nb with the fed duration.
 */
import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { AmrDepacketizer, amrFrameBits, parseAmrPayload, type AmrFormat } from "../../../src/media/recording/amr-payload.ts";
import { amrTrackFrame, amrWaveFormatEx } from "../../../src/media/recording/amr-track.ts";
import { RtpRecorder, type RtpRecorderOptions } from "../../../src/media/recording/index.ts";
import { RtpPacket } from "../../../src/media/rtp/index.ts";
import { AMR_NB_BITS, AMR_WB_BITS, amrFrame, bandwidthEfficient, octetAligned, storedFrame } from "../../support/amr-payloads.ts";
import { readPcapFile } from "../../support/pcap.ts";
import { MEDIA_FIXTURES } from "../../support/media-fixtures.ts";
import { recordToFile, type TimedPacket } from "../../support/recorder-feed.ts";
import { tempDir } from "../../support/temp-dir.ts";

const WB_BE: AmrFormat = { wideband: true, octetAligned: false };
const WB_OA: AmrFormat = { wideband: true, octetAligned: true };
const NB_BE: AmrFormat = { wideband: false, octetAligned: false };
const NB_OA: AmrFormat = { wideband: false, octetAligned: true };

describe("RFC 4867 payloads to storage-format frames", () => {
  test("frame sizes are the bit-exact ones of TS 26.201 / TS 26.101; NO_DATA carries none; reserved types have none", () => {
    expect(Array.from({ length: 16 }, (_, ft) => amrFrameBits(true, ft))).toEqual([...AMR_WB_BITS, undefined, undefined, undefined, undefined, 0, 0]);
    expect(Array.from({ length: 16 }, (_, ft) => amrFrameBits(false, ft))).toEqual([...AMR_NB_BITS, undefined, undefined, undefined, undefined, undefined, undefined, 0]);
  });

  test("a hand-built AMR-WB SID packet gives the same frame in both modes", () => {
    // CMR 15, ToC F=0 FT=9 Q=1, 40 bits of 0xA5, 6 padding bits: 1111 010011 10100101... 000000
    const be = Uint8Array.of(0xf4, 0xe9, 0x69, 0x69, 0x69, 0x69, 0x40);
    const oa = Uint8Array.of(0xf0, 0x4c, 0xa5, 0xa5, 0xa5, 0xa5, 0xa5);
    const expected = [Uint8Array.of(0x4c, 0xa5, 0xa5, 0xa5, 0xa5, 0xa5)];
    expect(parseAmrPayload(WB_BE, be)).toEqual(expected);
    expect(parseAmrPayload(WB_OA, oa)).toEqual(expected);
  });

  for (const format of [WB_BE, WB_OA, NB_BE, NB_OA]) {
    const name = `${format.wideband ? "AMR-WB" : "AMR"} ${format.octetAligned ? "octet-aligned" : "bandwidth-efficient"}`;
    const build = format.octetAligned ? octetAligned : bandwidthEfficient;
    const types = (format.wideband ? AMR_WB_BITS : AMR_NB_BITS).map((_, ft) => ft);

    test(`${name}: every mode and SID alone, then all of them and NO_DATA in one packet, frame for frame`, () => {
      for (const ft of types) {
        const f = amrFrame(format.wideband, ft, ft + 1);
        expect(parseAmrPayload(format, build([f], ft % 16))).toEqual([storedFrame(f)]);
      }
      const many = [...types.map((ft) => amrFrame(format.wideband, ft, 100 + ft, ft % 2 === 0)), amrFrame(format.wideband, 15, 0)];
      const frames = parseAmrPayload(format, build(many, 2));
      expect(frames).toEqual(many.map(storedFrame));
      expect((frames as Uint8Array[]).at(-1)).toEqual(Uint8Array.of(0x7c));
    });

    test(`${name}: a truncated payload, a reserved frame type and an unterminated ToC are refused, not misread`, () => {
      const two = build([amrFrame(format.wideband, 2, 7), amrFrame(format.wideband, 5, 8)]);
      expect(parseAmrPayload(format, two.subarray(0, two.length - 2))).toBe("frame 2 of 2 truncated");
      const reserved = format.wideband ? 10 : 9;
      expect(parseAmrPayload(format, build([{ ft: reserved, q: true, bits: 0, speech: new Uint8Array(0) }]))).toBe(`reserved frame type ${reserved}`);
      const unterminated = format.octetAligned ? Uint8Array.of(0xf0, 0x80 | (1 << 3), 0x80 | (1 << 3)) : Uint8Array.of(0xf8, 0x20);
      expect(parseAmrPayload(format, unterminated)).toBe("table of contents not terminated");
      expect(parseAmrPayload(format, new Uint8Array(0))).toBe("empty payload");
    });
  }
});

describe("AmrDepacketizer", () => {
  const collect = (d: AmrDepacketizer, payload: Uint8Array, ts: number, into: [number, Uint8Array][]) => d.push(payload, ts, (f, t) => into.push([t, f]));

  test("keeps the 20 ms timeline: NO_DATA for lost packets and DTX pauses, a late packet skipped, a malformed one counted", () => {
    const d = new AmrDepacketizer(WB_BE);
    const out: [number, Uint8Array][] = [];
    const a = amrFrame(true, 8, 1), b = amrFrame(true, 8, 2), c = amrFrame(true, 8, 3), sid = amrFrame(true, 9, 4), e = amrFrame(true, 2, 5);
    collect(d, bandwidthEfficient([a]), 1000, out);
    collect(d, bandwidthEfficient([b, c]), 1320, out); // two frames: 1320, 1640
    collect(d, bandwidthEfficient([b]), 1320, out); // duplicate: late
    collect(d, bandwidthEfficient([sid]), 2920, out); // 1960..2600 lost: 3 NO_DATA
    collect(d, Uint8Array.of(0xf5, 0x00), 3240, out); // reserved frame type 10: malformed
    collect(d, bandwidthEfficient([e]), 3560, out); // the malformed packet's slot becomes NO_DATA
    const noData = Uint8Array.of(0x7c);
    expect(out).toEqual([
      [1000, storedFrame(a)], [1320, storedFrame(b)], [1640, storedFrame(c)],
      [1960, noData], [2280, noData], [2600, noData], [2920, storedFrame(sid)],
      [3240, noData], [3560, storedFrame(e)],
    ]);
    expect(d.malformed).toBe(1);
  });

  test("the RTP timestamp may wrap; a jump of more than 2 s (new source) is not filled", () => {
    const d = new AmrDepacketizer(NB_OA);
    const out: [number, Uint8Array][] = [];
    const f = amrFrame(false, 7, 9);
    collect(d, octetAligned([f]), 0xffffff60, out);
    collect(d, octetAligned([f]), 160, out); // next-but-one slot across the wrap: one NO_DATA at 0
    collect(d, octetAligned([f]), 160 + 8000 * 60, out);
    expect(out.map(([t, fr]) => [t, fr.length])).toEqual([[0xffffff60, 32], [0, 1], [160, 32], [160 + 8000 * 60, 32]]);
  });
});

describe("AMR in Matroska (A_MS/ACM)", () => {
  test("WAVEFORMATEX names AMR-WB 0x0058 / AMR 0x0057, mono, 16 / 8 kHz; SID and NO_DATA stored as quiet frames ffmpeg decodes", () => {
    expect([...amrWaveFormatEx(true).subarray(0, 8)]).toEqual([0x58, 0, 1, 0, 0x80, 0x3e, 0, 0]);
    expect([...amrWaveFormatEx(false).subarray(0, 8)]).toEqual([0x57, 0, 1, 0, 0x40, 0x1f, 0, 0]);
    const speech = storedFrame(amrFrame(true, 8, 1));
    expect(amrTrackFrame(true, speech)).toBe(speech);
    expect(amrTrackFrame(true, storedFrame(amrFrame(true, 9, 1)))).toEqual(Uint8Array.of(0x7c));
    expect(amrTrackFrame(false, Uint8Array.of(0x7c))).toEqual(new Uint8Array(13)); // FT 0, Q 0 (damaged), zero bits
  });

  const ffprobe = Bun.which("ffprobe");

  /** Records `packets` to a file and reads it back with the real tools: streams, duration, decode errors, audio samples. */
  async function recordAndRead(opts: RtpRecorderOptions, packets: readonly TimedPacket[]) {
    const dir = tempDir("avsplit-amr-");
    try {
      const file = join(dir.path, "rec.mkv");
      const summary = await recordToFile(file, opts, packets);
      const probe = Bun.spawnSync([ffprobe!, "-v", "error", "-show_entries", "format=duration:stream=codec_type,codec_name,sample_rate,width", "-of", "json", file]);
      expect(probe.stderr.toString()).toBe("");
      const info = JSON.parse(probe.stdout.toString());
      return {
        summary, streams: info.streams, durationS: Number(info.format.duration),
        decodeErrors: Bun.spawnSync(["ffmpeg", "-v", "error", "-i", file, "-f", "null", "-"]).stderr.toString(),
        samples: Bun.spawnSync(["ffmpeg", "-v", "error", "-i", file, "-map", "0:a", "-f", "s16le", "-"]).stdout.length / 2,
      };
    } finally {
      dir.cleanup();
    }
  }

  const t0 = 1_700_000_000_000;

  test.skipIf(!ffprobe)("12 s of AMR-WB (bandwidth-efficient, with loss, a DTX pause and a bad packet) + H.264: amr_wb and h264, 12 s, decodes clean", async () => {
    const seconds = 12;
    const packets: TimedPacket[] = [];
    for (let slot = 0, seq = 0; slot < seconds * 50; slot++) {
      const dtx = slot >= 150 && slot < 200; // 1 s pause: SID every 8th slot, nothing between
      if (dtx && (slot - 150) % 8 !== 0) continue;
      if (slot % 97 === 13) continue; // lost
      const f = dtx ? amrFrame(true, 9, slot) : amrFrame(true, 8, slot);
      const payload = slot === 400 ? Uint8Array.of(0xf5, 0) : bandwidthEfficient([f], 8);
      packets.push({ kind: "audio", at: t0 + slot * 20, data: rtpPacket(116, seq++, slot * 320, payload) });
    }
    const video = readPcapFile(join(MEDIA_FIXTURES, "h264_rtp.pcap"));
    packets.push(...video.map((d) => ({ kind: "video" as const, at: t0 + (d.timeUs - video[0].timeUs) / 1000, data: d.payload })));
    const r = await recordAndRead({
      audio: { payloadType: 116, name: "AMR-WB", clockRate: 16000, fmtp: { "mode-change-capability": "2", "max-red": "0" } },
      video: { payloadType: 99, name: "H264", clockRate: 90000 },
      writingApp: "test", startedAt: t0,
    }, packets);
    expect(r.summary).toMatchObject({ audioFrames: seconds * 50, malformedAudio: 1, skipped: [] });
    expect(r.streams).toEqual([
      { codec_name: "amr_wb", codec_type: "audio", sample_rate: "16000" },
      { codec_name: "h264", codec_type: "video", width: 352 },
    ]);
    expect(Math.abs(r.durationS - seconds)).toBeLessThanOrEqual(0.1);
    expect(r.decodeErrors).toBe("");
    expect(r.samples).toBe(seconds * 16000);
  });

  test.skipIf(!ffprobe)("5 s of AMR octet-aligned, 2 frames a packet, with SID and loss: amr_nb, 5 s, decodes clean", async () => {
    const seconds = 5;
    const packets: TimedPacket[] = [];
    for (let pair = 0; pair < seconds * 25; pair++) {
      if (pair === 40) continue; // lost
      const frames = [amrFrame(false, pair === 60 ? 8 : 7, pair * 2), amrFrame(false, 7, pair * 2 + 1)];
      packets.push({ kind: "audio", at: t0 + pair * 40, data: rtpPacket(96, pair, pair * 320, octetAligned(frames)) });
    }
    const r = await recordAndRead({ audio: { payloadType: 96, name: "AMR", clockRate: 8000, fmtp: { "octet-align": "1" } }, writingApp: "test", startedAt: t0 }, packets);
    expect(r.summary.audioFrames).toBe(seconds * 50);
    expect(r.streams).toEqual([{ codec_name: "amr_nb", codec_type: "audio", sample_rate: "8000" }]);
    expect(Math.abs(r.durationS - seconds)).toBeLessThanOrEqual(0.1);
    expect(r.decodeErrors).toBe("");
    expect(r.samples).toBe(seconds * 8000);
  });

  test("AMR with CRC, robust sorting, interleaving or two channels is named in skipped, not misread", () => {
    const out = { write() {} };
    const skipped = (fmtp: Record<string, string>, channels?: number) =>
      new RtpRecorder(out, { audio: { payloadType: 97, name: "AMR-WB", clockRate: 16000, channels, fmtp }, writingApp: "t", startedAt: 0 }).skipped;
    expect(skipped({ "octet-align": "1", crc: "1" })).toEqual(["AMR-WB (crc)"]);
    expect(skipped({ "octet-align": "1", "robust-sorting": "1" })).toEqual(["AMR-WB (robust-sorting)"]);
    expect(skipped({ "octet-align": "1", interleaving: "4" })).toEqual(["AMR-WB (interleaving)"]);
    expect(skipped({}, 2)).toEqual(["AMR-WB (2 channels)"]);
    expect(skipped({ "octet-align": "1", crc: "0" })).toEqual([]);
  });
});

function rtpPacket(payloadType: number, sequenceNumber: number, timestamp: number, payload: Uint8Array): Uint8Array {
  return new RtpPacket({ payloadType, sequenceNumber: sequenceNumber & 0xffff, timestamp: timestamp >>> 0, ssrc: 0x1234 }, payload).serialize();
}
