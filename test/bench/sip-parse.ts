/**
 * Parse + serialize rate of a real VoLTE video INVITE on one core.
 * Run: bun test/bench/sip-parse.ts   (prints a markdown table; goal >= 100k msgs/s for parse+serialize)
 * Rates are per CPU-second of this process (process.cpuUsage), best of several rounds, so that other load
 * on the machine inflates them as little as possible.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createResponse, parseMessage, SipRequest } from "../../src/sip/message/index.ts";

const raw = new Uint8Array(readFileSync(join(import.meta.dir, "../fixtures/sip/volte-video-invite.sip")));
const ROUNDS = Number(process.env.ROUNDS ?? 20);
const PER_ROUND = Number(process.env.PER_ROUND ?? 10000);

let sink = 0;
function measure(name: string, fn: () => number): { name: string; rate: number } {
  for (let i = 0; i < 20000; i++) sink += fn(); // JIT warm-up
  let best = Infinity;
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = process.cpuUsage();
    for (let i = 0; i < PER_ROUND; i++) sink += fn();
    const d = process.cpuUsage(t0);
    best = Math.min(best, (d.user + d.system) / PER_ROUND);
  }
  return { name, rate: 1e6 / best };
}

const parsed = parseMessage(raw) as SipRequest;
const results = [
  measure("parse", () => parseMessage(raw).headers.size),
  measure("serialize (already parsed)", () => parsed.serialize().length),
  measure("parse + serialize", () => parseMessage(raw).serialize().length),
  measure("parse + transaction/dialog accessors + serialize", () => {
    const m = parseMessage(raw) as SipRequest;
    const n = m.topVia.params.size + m.cseq.seq + m.callId.length + m.from.params.size + m.to.params.size + m.contact.length;
    return n + m.serialize().length;
  }),
  measure("parse + createResponse(180) + serialize the 180", () => {
    const m = parseMessage(raw) as SipRequest;
    return createResponse(m, 180, undefined, "as81kd").serialize().length;
  }),
];

console.log(`VoLTE video INVITE fixture: ${raw.length} bytes (${raw.indexOf(13) > 0 ? "CRLF" : "LF"}), Bun ${Bun.version}, one core, best of ${ROUNDS} x ${PER_ROUND}\n`);
console.log("| operation | msgs/s | µs/msg |");
console.log("|---|---:|---:|");
for (const r of results) console.log(`| ${r.name} | ${Math.round(r.rate).toLocaleString("en")} | ${(1e6 / r.rate).toFixed(2)} |`);
if (sink === 42) console.log("");
