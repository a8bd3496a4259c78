/**
 * Per-packet cost of the media wire formats (ns/op), ours vs werift's equivalents, on real packets from the captures.
 * Run: bun test/bench/media-wire.ts   (prints a markdown table)
 */
import { RtcpPacketConverter, RtpHeader as WeriftRtpHeader, RtpPacket as WeriftRtpPacket } from "werift";
import { join } from "node:path";
import { classifyPacket, RtpHeaderView, RtpPacket } from "../../src/media/rtp/index.ts";
import { parseRtcp, walkRtcp } from "../../src/media/rtcp/index.ts";
import { isKeyframe } from "../../src/media/h264/index.ts";
import { readPcapFile } from "../support/pcap.ts";
import { MEDIA_FIXTURES, mediaFixture } from "../support/media-fixtures.ts";

const packets = readPcapFile(join(MEDIA_FIXTURES, "h264_rtp.pcap")).map((d) => new Uint8Array(d.payload));
const buffers = packets.map((p) => Buffer.from(p));
const compound = mediaFixture("rtcp-sr-sdes-compound.bin");
const compoundBuf = Buffer.from(compound);
let sink = 0;

/** Median of 5 runs: wall ns/op and CPU ns/op (user+system; less disturbed when other jobs share the 2 cores). */
function bench(name: string, iterations: number, fn: (i: number) => void): [string, number, number] {
  for (let i = 0; i < Math.min(iterations, 50_000); i++) fn(i); // JIT warm-up
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let r = 0; r < 5; r++) {
    const c0 = process.cpuUsage();
    const t0 = Bun.nanoseconds();
    for (let i = 0; i < iterations; i++) fn(i);
    wall.push((Bun.nanoseconds() - t0) / iterations);
    const c = process.cpuUsage(c0);
    cpu.push(((c.user + c.system) * 1000) / iterations);
  }
  const median = (a: number[]) => a.sort((x, y) => x - y)[2];
  return [name, median(wall), median(cpu)];
}

const view = new RtpHeaderView();
const n = packets.length;
const results: [string, number, number][] = [
  bench("baseline: harness loop + call, no work", 2_000_000, (i) => { sink += packets[i % n].length; }),
  bench("RtpHeaderView.wrap + read pt/seq/ts/ssrc/marker/payloadOffset", 2_000_000, (i) => {
    view.wrap(packets[i % n]);
    sink += view.payloadType + view.sequenceNumber + view.timestamp + view.ssrc + (view.marker ? 1 : 0) + view.payloadOffset;
  }),
  bench("RtpHeaderView.wrap + rewrite ssrc/seq/ts/pt in place", 2_000_000, (i) => {
    view.wrap(packets[i % n]);
    view.ssrc = 0x12345678;
    view.sequenceNumber = i;
    view.timestamp = view.timestamp + 3000;
    view.payloadType = 97;
  }),
  bench("classifyPacket (RFC 7983/5761 demux)", 2_000_000, (i) => { sink += classifyPacket(packets[i % n]).length; }),
  bench("isKeyframe (H.264 payload)", 2_000_000, (i) => {
    const p = packets[i % n];
    sink += isKeyframe(p, 12, p.length - 12) ? 1 : 0;
  }),
  bench("RtpPacket.deSerialize (full model, copies payload)", 300_000, (i) => { sink += RtpPacket.deSerialize(packets[i % n]).payload.length; }),
  bench("werift RtpHeader.deSerialize", 300_000, (i) => { sink += WeriftRtpHeader.deSerialize(buffers[i % n]).ssrc; }),
  bench("werift RtpPacket.deSerialize", 300_000, (i) => { sink += WeriftRtpPacket.deSerialize(buffers[i % n]).payload.length; }),
  bench("walkRtcp SR+SDES compound (validate only)", 1_000_000, () => { sink += walkRtcp(compound, null); }),
  bench("parseRtcp SR+SDES compound (objects)", 300_000, () => { sink += parseRtcp(compound).length; }),
  bench("werift RtcpPacketConverter.deSerialize SR+SDES", 300_000, () => { sink += RtcpPacketConverter.deSerialize(compoundBuf).length; }),
];

console.log(`| operation | wall ns/op | CPU ns/op |\n|---|---:|---:|`);
for (const [name, wall, cpu] of results) console.log(`| ${name} | ${wall.toFixed(1)} | ${cpu.toFixed(1)} |`);
if (sink === 42) console.log("");
