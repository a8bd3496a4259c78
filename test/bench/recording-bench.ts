/**
 * Recording CPU: what recording one session costs the appliance. The real captures (PCMU 20 ms + H.264 352x288
 * 25 fps ~500 kbit/s) go through RtpRecorder into a Matroska file on disk, packet by packet as the media endpoint's
 * tap hands them over, for 100 s of media per round; then the file's SHA-256 as the store takes it at the end.
 * AMR-WB (VoLTE's codec): 23.85 kbit/s one-frame packets in both RFC 4867 modes, depacketized alone and recorded.
 * Usage: bun test/bench/recording-bench.ts  (prints markdown, writes docs/bench/recording.md)
 */
import { readFileSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { AmrDepacketizer } from "../../src/media/recording/amr-payload.ts";
import { FileOutput, RtpRecorder, type RecordedCodec } from "../../src/media/recording/index.ts";
import { RtpHeaderView, RtpPacket } from "../../src/media/rtp/index.ts";
import { amrFrame, bandwidthEfficient, octetAligned } from "../support/amr-payloads.ts";
import { readPcapFile } from "../support/pcap.ts";
import { MEDIA_FIXTURES } from "../support/media-fixtures.ts";
import { tempDir } from "../support/temp-dir.ts";
import { machineLine } from "./machine.ts";

const ROUNDS = 5;
const LOOPS = 10;
const loadAtStart = loadavg()[0];
const audio = readPcapFile(join(MEDIA_FIXTURES, "pcmu_rtp.pcap"));
const video = readPcapFile(join(MEDIA_FIXTURES, "h264_rtp.pcap"));
const captureMs = Math.max(audio.length * 20, (video.at(-1)!.timeUs - video[0].timeUs) / 1000);

/** Both captures interleaved by arrival time, repeated LOOPS times (each loop a new RTP timeline for the recorder). */
const packets = Array.from({ length: LOOPS }, (_, loop) => [
  ...audio.map((d, i) => ({ kind: "audio" as const, at: loop * captureMs + i * 20, data: d.payload })),
  ...video.map((d) => ({ kind: "video" as const, at: loop * captureMs + (d.timeUs - video[0].timeUs) / 1000, data: d.payload })),
].sort((a, b) => a.at - b.at)).flat();
const mediaS = (LOOPS * captureMs) / 1000;
const counts = { audio: audio.length * LOOPS, video: video.length * LOOPS };

/** AMR-WB mode 8, one frame per 20 ms packet, for as long as the captures above. */
const amrWbPackets = (octet: boolean) => Array.from({ length: Math.round(mediaS * 50) }, (_, i) => {
  const frame = amrFrame(true, 8, i);
  const payload = octet ? octetAligned([frame]) : bandwidthEfficient([frame]);
  return { kind: "audio" as const, at: i * 20, data: new RtpPacket({ payloadType: 116, sequenceNumber: i & 0xffff, timestamp: i * 320, ssrc: 1 }, payload).serialize() };
});
const amrWb = { efficient: amrWbPackets(false), octet: amrWbPackets(true) };
const amrWbCodec = (octet: boolean): RecordedCodec => ({ payloadType: 116, name: "AMR-WB", clockRate: 16000, fmtp: octet ? { "octet-align": "1" } : {} });

const cpuUs = () => {
  const c = process.cpuUsage();
  return c.user + c.system;
};
const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];

type Packet = { kind: "audio" | "video"; at: number; data: Uint8Array };
const PCMU: RecordedCodec = { payloadType: 0, name: "PCMU", clockRate: 8000 };

/** CPU µs to record `kinds` of the packets (the others skipped at no cost), and the file it made. */
let files = 0;
function recordRound(dir: string, kinds: ReadonlySet<string>, list: readonly Packet[] = packets, audioCodec = PCMU): { us: number; bytes: number; hashUs: number } {
  const path = join(dir, `r${files++}.mkv`);
  const view = new RtpHeaderView();
  const c0 = cpuUs();
  const out = new FileOutput(path);
  const rec = new RtpRecorder(out, {
    audio: kinds.has("audio") ? audioCodec : undefined,
    video: kinds.has("video") ? { payloadType: 97, name: "H264", clockRate: 90000 } : undefined,
    writingApp: "bench", startedAt: 0,
  });
  for (const p of list) {
    if (!kinds.has(p.kind)) continue;
    view.wrap(p.data);
    if (p.kind === "audio") rec.onAudio(view, p.at);
    else rec.onVideo(view, p.at);
  }
  const { bytes } = rec.finish();
  out.close();
  const c1 = cpuUs();
  new Bun.CryptoHasher("sha256").update(readFileSync(path)).digest("hex");
  return { us: c1 - c0, bytes, hashUs: cpuUs() - c1 };
}

/** CPU µs to depacketize the AMR-WB packets alone (RFC 4867 payload -> storage-format frames). */
function depacketizeRound(octet: boolean): number {
  const view = new RtpHeaderView();
  const d = new AmrDepacketizer({ wideband: true, octetAligned: octet });
  let frames = 0;
  const c0 = cpuUs();
  for (const p of octet ? amrWb.octet : amrWb.efficient) {
    view.wrap(p.data);
    d.push(view.buffer.subarray(view.payloadOffset, view.payloadOffset + view.payloadLength), view.timestamp, () => frames++);
  }
  const us = cpuUs() - c0;
  if (frames !== amrWb.efficient.length || d.malformed) throw new Error("AMR-WB bench packets did not depacketize");
  return us;
}

const audioOnly = new Set(["audio"]);
const dir = tempDir("avsplit-rec-bench-");
const results = { both: [] as number[], audio: [] as number[], video: [] as number[], hash: [] as number[], bytes: 0 };
const amr = { efficient: [] as number[], octet: [] as number[], recordEfficient: [] as number[], recordOctet: [] as number[], bytes: 0 };
try {
  recordRound(dir.path, new Set(["audio", "video"])); // warm-up
  for (let r = 0; r < ROUNDS; r++) {
    const both = recordRound(dir.path, new Set(["audio", "video"]));
    results.both.push(both.us);
    results.hash.push(both.hashUs);
    results.bytes = both.bytes;
    results.audio.push(recordRound(dir.path, new Set(["audio"])).us);
    results.video.push(recordRound(dir.path, new Set(["video"])).us);
    amr.efficient.push(depacketizeRound(false));
    amr.octet.push(depacketizeRound(true));
    const wb = recordRound(dir.path, audioOnly, amrWb.efficient, amrWbCodec(false));
    amr.recordEfficient.push(wb.us);
    amr.bytes = wb.bytes;
    amr.recordOctet.push(recordRound(dir.path, audioOnly, amrWb.octet, amrWbCodec(true)).us);
  }
} finally {
  dir.cleanup();
}

const perSessionPct = (median(results.both) / (mediaS * 1e6)) * 100;
const audioUs = median(results.audio) / counts.audio;
const videoUs = median(results.video) / counts.video;
const mb = results.bytes / 1e6;
const perAmr = (us: number[]) => (median(us) / amrWb.efficient.length).toFixed(2);
const report = `## Recording: CPU per recorded session

${machineLine()}; 1-min load average ${loadAtStart.toFixed(1)} at start, ${loadavg()[0].toFixed(1)} at end (other jobs
share the box: figures rise with load)

\`bun test/bench/recording-bench.ts\`: the caller's media of one session as the media endpoints' taps hand it to the
recorder (\`src/media/recording\`: G.711 -> 16-bit PCM, H.264 RTP -> access units, Matroska clusters written to a file
on local disk), ${mediaS.toFixed(0)} s of media per round (the PCMU and H.264 352x288 25 fps ~500 kbit/s captures,
${(counts.audio / mediaS).toFixed(0)} audio + ${(counts.video / mediaS).toFixed(0)} video packets/s), CPU time
(process.cpuUsage, user + system) median of ${ROUNDS} rounds.

| what | CPU |
|---|---|
| audio packet (PCMU 20 ms: decode + block + write) | ${audioUs.toFixed(2)} µs |
| video packet (H.264 depacketize + frame + write) | ${videoUs.toFixed(2)} µs |
| one recorded session (audio + video, real time) | ${perSessionPct.toFixed(3)} % of one core (${(median(results.both) / mediaS / 1000).toFixed(2)} ms CPU per second of call) |
| sessions one core could record at once (CPU only) | ~${Math.floor(100 / perSessionPct)} |
| AMR-WB packet, depacketize only (RFC 4867 -> storage frame), bandwidth-efficient | ${perAmr(amr.efficient)} µs |
| AMR-WB packet, depacketize only, octet-aligned | ${perAmr(amr.octet)} µs |
| AMR-WB packet recorded (depacketize + block + write), bandwidth-efficient / octet-aligned | ${perAmr(amr.recordEfficient)} / ${perAmr(amr.recordOctet)} µs |
| SHA-256 of the finished file at the end | ${(median(results.hash) / 1000).toFixed(1)} ms for ${mb.toFixed(1)} MB (${(median(results.hash) / mb / 1000).toFixed(2)} ms/MB) |

File size: ${(results.bytes / mediaS / 1000).toFixed(1)} kB per second of call (PCM audio is 16 kB/s of it): the disk, not
the CPU, bounds how many calls one box records (${((results.bytes / mediaS) * 100 / 1e6).toFixed(1)} MB/s of writes for 100
calls), and \`max_disk_gb = 100\` holds about ${Math.round(100e9 / (results.bytes / mediaS) / 3600)} hours of such calls.
AMR-WB audio (23.85 kbit/s, speech frames stored as received in an A_MS/ACM track) is ${(amr.bytes / mediaS / 1000).toFixed(1)} kB per second of call
instead of PCM's 16.
`;
console.log(report);
writeFileSync(`${import.meta.dir}/../../docs/bench/recording.md`, report);
