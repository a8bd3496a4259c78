// relay-vs-rtpengine.ts: runs relay-vs-rtpengine.sh (one run, same C sender and sink for every relay) and
// prints the goal table: max relayed pps at <0.1 % loss and pps per core there, p50/p99 added latency at
// 20k pps, CPU µs per packet at 100 streams, overload behaviour and recovery right after it.
// usage: bun test/bench/relay-vs-rtpengine.ts     (env as relay-vs-rtpengine.sh: SECS, POINTS, RELAYS, PIN, NICE)
//        bun test/bench/relay-vs-rtpengine.ts <resultsDir>   (re-print the tables of an earlier run)
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

let dir = process.argv[2];
if (!dir) {
  const script = join(import.meta.dir, "relay-vs-rtpengine.sh");
  const proc = Bun.spawn(["bash", script], { env: { ...process.env, BUN: process.execPath }, stdout: "pipe", stderr: "inherit" });
  const out = await new Response(proc.stdout).text();
  await proc.exited;
  process.stdout.write(out);
  dir = /RESULTS (\S+)/.exec(out)?.[1] ?? "";
  if (!dir) throw new Error("relay-vs-rtpengine.sh printed no RESULTS line");
}

interface Point {
  runid: number; relay: string; streams: number; rate: number; relayTicks: number; otherTicks: number;
  rtpeDisabled: number; blast: { sent: number; secs: number };
}
interface Sink { runid: number; got: number; streamsSeen: number; p50us: number; p90us: number; p99us: number }
const jsonl = <T>(f: string): T[] => {
  try { return readFileSync(join(dir, f), "utf8").split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l)); }
  catch { return []; }
};
const sinks = new Map<number, Sink>();
for (const f of readdirSync(dir).filter((f) => f.startsWith("sink-") && f.endsWith(".jsonl"))) for (const s of jsonl<Sink>(f)) sinks.set(s.runid, s);
const row = (p: Point) => {
  const s = sinks.get(p.runid) ?? { got: 0, streamsSeen: 0, p50us: NaN, p90us: NaN, p99us: NaN };
  const relayed = s.got / p.blast.secs;
  const cpuPct = p.relayTicks / p.blast.secs;
  return {
    ...p, relayed, loss: 100 * (1 - s.got / p.blast.sent), cpuPct, usPerPkt: s.got ? (cpuPct * 1e4) / relayed : NaN,
    streamsSeen: s.streamsSeen, p50: s.p50us, p90: s.p90us, p99: s.p99us, otherPct: p.otherTicks / p.blast.secs,
  };
};
const points = jsonl<Point>("points.jsonl").map(row);
const recovery = jsonl<Point>("recovery.jsonl").map(row);
const relays = [...new Set(points.map((p) => p.relay))].filter((r) => r !== "direct");
const f = (x: number, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : "-");

console.log(`\n## Goal table (${dir})\n`);
console.log("| relay | max relayed kpps at <0.1 % loss (100 streams) | pps per core there | µs CPU/pkt @100 streams: 20k / 50k / 100k | p50 / p90 / p99 µs @20k, 1 stream | p50 / p90 / p99 µs @20k, 100 streams | overload (highest offered): relayed kpps, loss %, streams alive | recovery @20k right after: loss %, streams alive |");
console.log("|---|---|---|---|---|---|---|---|");
for (const relay of relays) {
  const mine = points.filter((p) => p.relay === relay);
  const hundred = mine.filter((p) => p.streams === 100);
  const clean = hundred.filter((p) => p.loss < 0.1).sort((a, b) => b.relayed - a.relayed)[0];
  const at = (streams: number, rate: number) => mine.find((p) => p.streams === streams && p.rate === rate);
  const us = [20000, 50000, 100000].map((r) => { const p = at(100, r); return p && p.loss < 1 ? f(p.usPerPkt) : "-"; }).join(" / ");
  const lat = (streams: number) => { const p = at(streams, 20000); return p ? `${f(p.p50, 0)} / ${f(p.p90, 0)} / ${f(p.p99, 0)}` : "-"; };
  const top = hundred.sort((a, b) => b.rate - a.rate)[0];
  const rec = recovery.find((p) => p.relay === relay);
  console.log(`| ${relay} | ${clean ? f(clean.relayed / 1000) : "-"} | ${clean ? f(1e6 / clean.usPerPkt / 1000) + "k" : "-"} | ${us} | ${lat(1)} | ${lat(100)} | ${top ? `${f(top.relayed / 1000)}, ${f(top.loss)}, ${top.streamsSeen}/${top.streams}${top.rtpeDisabled ? " (rtpengine disabled streams)" : ""}` : "-"} | ${rec ? `${f(rec.loss, 2)}, ${rec.streamsSeen}/${rec.streams}` : "-"} |`);
}
const noise = points.map((p) => p.otherPct);
console.log(`\nOther processes' CPU during the points (% of one core): median ${f(noise.sort((a, b) => a - b)[noise.length >> 1] ?? NaN, 0)}, max ${f(Math.max(...noise), 0)}.`);
