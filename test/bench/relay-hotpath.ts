// relay-hotpath.ts: JS cost of avsplit's per-packet relay work, in-process, next to a bare send.
// Calls the receiving endpoint's datagram handler directly (no receive syscall) with 200-byte RTP over
// 100 streams; the forwarded packet really goes out (send syscall) to a sink socket that discards it.
// Also: the same as video (retransmission cache on: its cost per packet), and NACKs handed to the sending
// leg's handler (1 and 17 packets asked for; each resend really goes out): the cost of serving a NACK.
// usage: bun test/bench/relay-hotpath.ts [packets=300000]   -> markdown table (µs CPU per packet)
import { heapStats } from "bun:jsc";
import { PortPool } from "../../src/media/ports/index.ts";
import { MediaSocket } from "../../src/media/ports/media-socket.ts";
import { Bridge, MediaEndpoint, type MediaKind } from "../../src/media/relay/index.ts";
import { GenericNack, RtcpReceiverReport, serializeRtcp } from "../../src/media/rtcp/index.ts";

const N = Number(process.argv[2] ?? 300_000);
const STREAMS = 100;
const sink = await Bun.udpSocket({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
const pool = new PortPool({ range: "45000-46999" });
type Handler = (d: Uint8Array, port: number, address: string, truncated: boolean) => void;

const packets = Array.from({ length: STREAMS }, (_, i) => {
  const b = new Uint8Array(200);
  b[0] = 0x80;
  return { buf: b, ssrc: (0x5eed0000 + i) >>> 0, seq: i * 1000, ts: i * 7919 };
});
function stamp(p: (typeof packets)[number]): Uint8Array {
  const b = p.buf;
  p.seq = (p.seq + 1) & 0xffff;
  p.ts = (p.ts + 160) >>> 0;
  b[2] = p.seq >> 8; b[3] = p.seq;
  b[4] = p.ts >>> 24; b[5] = p.ts >>> 16; b[6] = p.ts >>> 8; b[7] = p.ts;
  b[8] = p.ssrc >>> 24; b[9] = p.ssrc >>> 16; b[10] = p.ssrc >>> 8; b[11] = p.ssrc;
  return b;
}

/** CPU and wall time per packet; heap growth over the run (no GC forced in between: 0 = no allocation per packet). */
function measure(label: string, perPacket: (i: number) => void, n = N): { label: string; us: number; wallUs: number; heapKb: number } {
  for (let i = 0; i < 20_000; i++) perPacket(i); // warm-up (JIT)
  Bun.gc(true);
  const heap0 = heapStats().heapSize;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) perPacket(i);
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  const heapKb = (heapStats().heapSize - heap0) / 1024;
  return { label, us: (c.user + c.system) / n, wallUs: (wall * 1000) / n, heapKb };
}

// floors: Bun's own send, and MediaSocket's send (libc sendto, what the relay uses); the JS work is measured against the latter
const bare = await Bun.udpSocket({ hostname: "127.0.0.1", port: 0 });
const mediaSocket = await MediaSocket.bind("127.0.0.1", 0);
const results = [
  measure("bare Bun.udpSocket send", (i) => { bare.send(stamp(packets[i % STREAMS]), sink.port, "127.0.0.1"); }),
  measure("bare MediaSocket send (libc sendto; floor)", (i) => { mediaSocket.send(stamp(packets[i % STREAMS]), sink.port, "127.0.0.1"); }),
];

/** 100 bridged calls of `kind`; the handlers of their receiving (A) and sending (B) legs. */
async function calls(kind: MediaKind, retransmission?: { maxAgeMs: number }) {
  const legs: { a: Handler; b: Handler; sender: MediaEndpoint }[] = [];
  for (let i = 0; i < STREAMS; i++) {
    const a = await MediaEndpoint.create({ pool, kind, rtcpMux: true, mediaTimeoutMs: 30_000, statsIntervalMs: 1000 });
    const b = await MediaEndpoint.create({
      pool, kind, rtcpMux: true, remote: { address: "127.0.0.1", port: sink.port }, retransmission,
    });
    new Bridge(a, b, { aToB: { payloadTypes: { 0: 0, 101: 101 }, dropUnlisted: true } });
    const handler = (e: MediaEndpoint) => (e as unknown as { onRtpPort: Handler }).onRtpPort;
    legs.push({ a: handler(a), b: handler(b), sender: b });
  }
  return legs;
}
const SRC = 51000;
const audio = await calls("audio");
results.push(measure("avsplit receive handler -> bridge -> send", (i) => {
  const s = i % STREAMS;
  audio[s].a(stamp(packets[s]), SRC + s, "127.0.0.1", false);
}));
const video = await calls("video");
results.push(measure("same, video (retransmission cache on)", (i) => {
  const s = i % STREAMS;
  video[s].a(stamp(packets[s]), SRC + s, "127.0.0.1", false);
}));

// NACKs (RR + generic NACK, as browsers send them) for packets each B leg sent: windows of 17 cycling through the
// last 510, so no packet is asked for again within the 10 ms repeat guard. These calls keep packets for as long as
// the runs take (warm-up included), so every NACK finds its packets.
const nackCalls = await calls("video", { maxAgeMs: 1e9 });
for (let i = 0; i < 512 * STREAMS; i++) nackCalls[i % STREAMS].a(stamp(packets[i % STREAMS]), SRC + (i % STREAMS), "127.0.0.1", false);
const WINDOWS = 30;
function nacks(count: number): Uint8Array[][] {
  return nackCalls.map((leg, s) => Array.from({ length: WINDOWS }, (_, w) => {
    const first = (packets[s].seq - 509 + w * 17) & 0xffff;
    const lost = Array.from({ length: count }, (_, k) => (first + k) & 0xffff);
    return serializeRtcp([new RtcpReceiverReport(0xfeed), new GenericNack(0xfeed, leg.sender.ssrc, lost)]);
  }));
}
const NACK_ROUNDS = Math.max(2000, Math.floor(N / 100));
const measureNacks = (label: string, compounds: Uint8Array[][]) => measure(label, (i) => {
  const s = i % STREAMS;
  nackCalls[s].b(compounds[s][Math.floor(i / STREAMS) % WINDOWS], sink.port, "127.0.0.1", false);
}, NACK_ROUNDS);
const nack1 = measureNacks("NACK for 1 packet: parse + resend (send syscall)", nacks(1));
const nack17 = measureNacks("NACK for 17 packets (PID + full bitmask): parse + 17 resends", nacks(17));

console.log(`relay hot path, ${N} packets over ${STREAMS} streams, bun ${Bun.version}, ${new Date().toISOString()}\n`);
console.log("| path | µs CPU / packet | µs wall / packet | heap growth over the run (KiB) |\n|---|---|---|---|");
for (const r of results) console.log(`| ${r.label} | ${r.us.toFixed(2)} | ${r.wallUs.toFixed(2)} | ${r.heapKb.toFixed(0)} |`);
const [, floor, audioRow, videoRow] = results;
const diff = (label: string, x: typeof floor, y: typeof floor) =>
  console.log(`| ${label} | ${(x.us - y.us).toFixed(2)} | ${(x.wallUs - y.wallUs).toFixed(2)} | |`);
diff("avsplit per-packet JS work (difference to the MediaSocket floor)", audioRow, floor);
diff("retransmission cache per packet (video - audio)", videoRow, audioRow);
for (const r of [nack1, nack17]) console.log(`| ${r.label} (per NACK) | ${r.us.toFixed(2)} | ${r.wallUs.toFixed(2)} | ${r.heapKb.toFixed(0)} |`);
console.log(`| per extra packet served, (17 - 1) / 16 | ${((nack17.us - nack1.us) / 16).toFixed(2)} | ${((nack17.wallUs - nack1.wallUs) / 16).toFixed(2)} | |`);
const served = nackCalls.reduce((sum, leg) => sum + leg.sender.nack!.counters.served, 0);
const notServed = nackCalls.reduce((sum, leg) => sum + leg.sender.nack!.counters.missed + leg.sender.nack!.counters.repeat, 0);
console.log(`\nNACK runs: ${served} packets resent, ${notServed} not (missed or repeat); ${NACK_ROUNDS} NACKs per row.`);
process.exit(0);
