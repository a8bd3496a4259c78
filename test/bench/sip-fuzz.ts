/**
 * 1M mutated VoLTE INVITEs through parse/serialize/accessors/frameLength/createResponse/multipart.
 * Run: bun test/bench/sip-fuzz.ts   (FUZZ_CASES=N to change the count). Exits 1 on any crash.
 * Prints a markdown table: outcomes, crashes (must be 0), rate and heap high-water mark.
 */
import { exercise, fuzzCase } from "../unit/sip/message-fuzz-cases.ts";

const CASES = Number(process.env.FUZZ_CASES ?? 1_000_000);
const counts = { parsed: 0, rejected: 0 };
let crashes = 0;
let firstCrash = "";
Bun.gc(true);
const heapStart = process.memoryUsage().heapUsed;
let heapPeak = heapStart;
const t0 = performance.now();
const cpu0 = process.cpuUsage();
for (let i = 0; i < CASES; i++) {
  try {
    counts[exercise(fuzzCase(i))]++;
  } catch (err) {
    crashes++;
    firstCrash ||= `case ${i}: ${(err as Error).stack}`;
  }
  if (i % 50_000 === 49_999) {
    heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
    process.stderr.write(`${i + 1} cases\n`);
  }
}
const seconds = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
Bun.gc(true);
const heapEnd = process.memoryUsage().heapUsed;
const mb = (n: number) => (n / 1048576).toFixed(1);

console.log(`SIP parser fuzz, seed message test/fixtures/sip/volte-video-invite.sip, Bun ${Bun.version}\n`);
console.log("| cases | parsed | rejected (SipParseError) | crashes | wall s | CPU s | cases/CPU-s | heap start / peak / end MB |");
console.log("|---:|---:|---:|---:|---:|---:|---:|---|");
console.log(`| ${CASES.toLocaleString("en")} | ${counts.parsed.toLocaleString("en")} | ${counts.rejected.toLocaleString("en")} | ${crashes} | ${seconds.toFixed(1)} | ${((cpu.user + cpu.system) / 1e6).toFixed(1)} | ${Math.round(CASES / ((cpu.user + cpu.system) / 1e6)).toLocaleString("en")} | ${mb(heapStart)} / ${mb(heapPeak)} / ${mb(heapEnd)} |`);
if (crashes > 0) {
  console.error(firstCrash);
  process.exit(1);
}
