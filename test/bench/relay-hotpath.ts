// relay-hotpath.ts: JS cost of avsplit's per-packet relay work, in-process, next to a bare send.
// Calls the receiving endpoint's datagram handler directly (no receive syscall) with 200-byte RTP over
// 100 streams; the forwarded packet really goes out (send syscall) to a sink socket that discards it.
// usage: bun test/bench/relay-hotpath.ts [packets=300000]   -> markdown table (µs CPU per packet)
import { heapStats } from "bun:jsc";
import { PortPool } from "../../src/media/ports/index.ts";
import { Bridge, MediaEndpoint } from "../../src/media/relay/index.ts";

const N = Number(process.argv[2] ?? 300_000);
const STREAMS = 100;
const sink = await Bun.udpSocket({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
const pool = new PortPool({ range: "45000-45999" });
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
function measure(label: string, perPacket: (i: number) => void): { label: string; us: number; wallUs: number; heapKb: number } {
  for (let i = 0; i < 20_000; i++) perPacket(i); // warm-up (JIT)
  Bun.gc(true);
  const heap0 = heapStats().heapSize;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < N; i++) perPacket(i);
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  const heapKb = (heapStats().heapSize - heap0) / 1024;
  return { label, us: (c.user + c.system) / N, wallUs: (wall * 1000) / N, heapKb };
}

const bare = await Bun.udpSocket({ hostname: "127.0.0.1", port: 0 });
const results = [measure("bare Bun.udpSocket send (floor)", (i) => { bare.send(stamp(packets[i % STREAMS]), sink.port, "127.0.0.1"); })];

const handlers: Handler[] = [];
for (let i = 0; i < STREAMS; i++) {
  const a = await MediaEndpoint.create({ pool, kind: "audio", rtcpMux: true, mediaTimeoutMs: 30_000, statsIntervalMs: 1000 });
  const b = await MediaEndpoint.create({ pool, kind: "audio", rtcpMux: true, remote: { address: "127.0.0.1", port: sink.port } });
  new Bridge(a, b, { aToB: { payloadTypes: { 0: 0, 101: 101 }, dropUnlisted: true } });
  handlers.push((a as unknown as { onRtpPort: Handler }).onRtpPort);
}
const SRC = 51000;
results.push(measure("avsplit receive handler -> bridge -> send", (i) => {
  const s = i % STREAMS;
  handlers[s](stamp(packets[s]), SRC + s, "127.0.0.1", false);
}));

console.log(`relay hot path, ${N} packets over ${STREAMS} streams, bun ${Bun.version}, ${new Date().toISOString()}\n`);
console.log("| path | µs CPU / packet | µs wall / packet | heap growth over the run (KiB) |\n|---|---|---|---|");
for (const r of results) console.log(`| ${r.label} | ${r.us.toFixed(2)} | ${r.wallUs.toFixed(2)} | ${r.heapKb.toFixed(0)} |`);
console.log(`| avsplit per-packet JS work (difference) | ${(results[1].us - results[0].us).toFixed(2)} | ${(results[1].wallUs - results[0].wallUs).toFixed(2)} | |`);
process.exit(0);
