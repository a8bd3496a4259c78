/**
 * CPU cost of the SDP work on the call-setup path (caller INVITE -> call-center INVITE -> answer),
 * per real offer. Run: bun test/bench/sdp-negotiation.ts  (prints a markdown table)
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  answerBrowserOffer, answerOffer, createOrigin, G711_FORMATS, mergeAnswers, parseSdp, policyByKind, RELAYED_H264_FORMATS,
  serializeSdp, SIP_VIDEO_FEEDBACK, splitOffer, VIDEO_EXTMAP_URIS, type MediaPolicy,
} from "../../src/sdp/index.ts";

const dir = join(import.meta.dir, "../fixtures/sdp");
const text = (n: string) => readFileSync(join(dir, n), "utf8");
const origin = createOrigin({ address: "192.0.2.10", sessionId: "1", version: 1n });
const video: MediaPolicy = { transport: { address: "192.0.2.10", port: 40002 }, codecs: RELAYED_H264_FORMATS, feedback: SIP_VIDEO_FEEDBACK, extmapUris: VIDEO_EXTMAP_URIS };
const audio: MediaPolicy = { transport: { address: "192.0.2.10", port: 40000 }, codecs: [{ name: "AMR-WB", clockRate: 16000 }, ...G711_FORMATS] };
const ccAnswer = parseSdp("v=0\r\no=cc 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 6200 RTP/AVP 8 110\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:110 telephone-event/8000\r\n");

const RUNS = 3000;

/** Wall time per run (percentiles) and CPU time per run (mean): on a busy box the CPU figure is the stable one. */
function measure(name: string, fn: () => unknown): { name: string; us: number[]; cpuUs: number } {
  for (let i = 0; i < 300; i++) fn(); // warm-up (JIT)
  const us: number[] = [];
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < RUNS; i++) {
    const t0 = Bun.nanoseconds();
    fn();
    us.push((Bun.nanoseconds() - t0) / 1000);
  }
  const cpu = process.cpuUsage(cpu0);
  us.sort((a, b) => a - b);
  return { name, us, cpuUs: (cpu.user + cpu.system) / RUNS };
}

const volte = text("volte-ts26114-av-offer.sdp");
const baresip = text("baresip-av-offer.sdp");
const chrome = text("chrome156-video-offer.sdp");
const callerH264 = parseSdp(volte).media[1].codecs[0];

const rows = [
  measure("parse TS 26.114 A/V offer (1.5 KB)", () => parseSdp(volte)),
  measure("parse Chromium 156 offer (6 KB)", () => parseSdp(chrome)),
  measure("serialize TS 26.114 offer", () => serializeSdp(parseSdp(volte))),
  measure("answer baresip offer (parse + answer + serialize)", () => {
    const r = answerOffer(parseSdp(baresip), { origin, mediaPolicy: policyByKind({ audio, video }) });
    return r.ok && serializeSdp(r.answer);
  }),
  measure("caller INVITE -> call-center offer (parse + split + serialize)", () => {
    const r = splitOffer(parseSdp(volte), { origin, transport: { address: "192.0.2.10", port: 42000 } });
    return r.ok && serializeSdp(r.offer);
  }),
  measure("call-center 200 -> caller answer (merge + serialize)", () => {
    const offer = parseSdp(volte);
    const s = splitOffer(offer, { origin, transport: { address: "192.0.2.10", port: 42000 } });
    const r = s.ok && mergeAnswers(offer, s.plan, ccAnswer, { origin, audioTransport: audio.transport, video });
    return r && r.ok && serializeSdp(r.answer);
  }),
  measure("answer Chromium offer for the agent leg", () => {
    const r = answerBrowserOffer(parseSdp(chrome), callerH264, {
      origin, address: "127.0.0.1", port: 41000, ice: { ufrag: "u", pwd: "p".repeat(22) }, candidates: [], fingerprint: { algorithm: "sha-256", value: "AA" },
    });
    return r.ok && serializeSdp(r.answer);
  }),
];

const pct = (a: number[], p: number) => a[Math.min(a.length - 1, Math.floor((a.length * p) / 100))].toFixed(1);
const load = (await Bun.file("/proc/loadavg").text().catch(() => "?")).split(" ")[0];
console.log(`SDP negotiation, ${new Date().toISOString()}, bun ${Bun.version}, ${RUNS} runs each after 300 warm-up, load average ${load}\n`);
console.log("| operation | CPU µs/op | wall p50 µs | wall p99 µs |");
console.log("|---|---:|---:|---:|");
for (const r of rows) console.log(`| ${r.name} | ${r.cpuUs.toFixed(1)} | ${pct(r.us, 50)} | ${pct(r.us, 99)} |`);
