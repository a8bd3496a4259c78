/**
 * Call throughput of avsplit as a plain UAS: sipp uac_av.xml (INVITE A+V, 180/200, ACK, BYE, -d 0) against the
 * SIP stack answering every call at once. Prints a markdown table: offered rate, achieved calls/s, failed
 * calls, sipp retransmissions (a retransmission means we answered too late).
 * Run: bun test/bench/sip-uas-cps.ts [rate ...]   (default 500 1000 1500 2000)
 */
import { answerSdp, freePorts, portOf, runSipp, scenarioDir, startStack, SIPP } from "../interop/sip/sipp.ts";
import { setLogLevel } from "../../src/observability/log.ts";

if (!SIPP) throw new Error("sipp not installed");
setLogLevel("error");
const rates = process.argv.slice(2).map(Number).filter((n) => n > 0);
const offered = rates.length > 0 ? rates : [500, 1000, 1500, 2000];
const SECONDS = 10;

const stack = await startStack({ trace: { maxCalls: 100, maxEntriesPerCall: 20 }, ua: { sessionTimer: false } });
const sdp = answerSdp(30000, true);
stack.ua.on("incoming", (call) => { call.progress(180); void call.answer(sdp); });
const scen = scenarioDir();

function stat(stdout: string, name: string): number {
  const m = new RegExp(`${name}\\s*\\|\\s*\\d+\\s*\\|\\s*(\\d+)`).exec(stdout);
  return m ? Number(m[1]) : NaN;
}
function retrans(stdout: string): number {
  let total = 0;
  for (const line of stdout.split("\n")) {
    const tokens = line.trim().split(/\s+/);
    const arrow = tokens.findIndex((t) => /^(-+>|<-+)$/.test(t));
    if (arrow !== 1 || !tokens[arrow].endsWith(">")) continue;       // requests sipp sent: "INVITE ---------->"
    const numbers = tokens.slice(2).filter((t) => /^\d+$/.test(t));
    if (numbers.length >= 2) total += Number(numbers[1]);
  }
  return total;
}

const rows: string[] = [];
for (const rate of offered) {
  const base = await freePorts(6);
  const calls = rate * SECONDS;
  const t0 = performance.now();
  const res = await runSipp(scen.dir, ["-sf", "uac_av.xml", "-s", "bench", "-i", "127.0.0.1", "-p", String(base), "-mi", "127.0.0.1",
    "-mp", String(base + 2), `127.0.0.1:${portOf(stack, "udp")}`, "-r", String(rate), "-m", String(calls), "-d", "0", "-l", String(rate * 4)], SECONDS * 6);
  const elapsed = (performance.now() - t0) / 1000;
  const ok = stat(res.stdout, "Successful call");
  const failed = stat(res.stdout, "Failed call");
  rows.push(`| ${rate} | ${calls} | ${(ok / elapsed).toFixed(0)} | ${ok} | ${failed} | ${retrans(res.stdout)} | ${res.code} |`);
  console.error(rows.at(-1));
}
console.log(`\nsipp uac_av.xml -> avsplit UAS (UDP, auto 180+200), ${SECONDS} s per rate, ${new Date().toISOString()}\n`);
console.log("| offered cps | calls | achieved cps (incl. ramp) | successful | failed | sipp retransmissions | sipp exit |");
console.log("|---|---|---|---|---|---|---|");
for (const r of rows) console.log(r);
await stack.close();
scen.cleanup();
