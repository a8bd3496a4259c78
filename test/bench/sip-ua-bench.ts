/**
 * Call throughput of avsplit as a plain UAS: sipp uac_av.xml (INVITE A+V, 180/200, ACK, BYE, -d 0) against the
 * SIP stack answering every call at once. Prints a markdown table: offered rate, achieved calls/s, failed
 * calls, sipp retransmissions (a retransmission means we answered too late).
 * Run: bun test/bench/sip-ua-bench.ts [rate ...]   (default 500 1000 1500 2000); writes docs/bench/sip-ua.md.
 */
import { writeFileSync } from "node:fs";
import { machineLine } from "./machine.ts";
import { answerSdp, freePorts, portOf, runSipp, scenarioDir, startStack, SIPP } from "../interop/sip/sipp.ts";
import { setLogLevel } from "../../src/observability/log.ts";

if (!SIPP) {
  console.log("sip-ua-bench: sipp not installed, skipped");
  process.exit(0);
}
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
  const cpu0 = process.cpuUsage();
  const res = await runSipp(scen.dir, ["-sf", "uac_av.xml", "-s", "bench", "-i", "127.0.0.1", "-p", String(base), "-mi", "127.0.0.1",
    "-mp", String(base + 2), `127.0.0.1:${portOf(stack, "udp")}`, "-r", String(rate), "-m", String(calls), "-d", "0", "-l", String(rate * 4)], SECONDS * 6);
  const elapsed = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const ok = stat(res.stdout, "Successful call");
  const failed = stat(res.stdout, "Failed call");
  const cpuPerCall = ((cpu.user + cpu.system) / Math.max(1, ok)).toFixed(0);
  rows.push(`| ${rate} | ${calls} | ${(ok / elapsed).toFixed(0)} | ${ok} / ${failed} | ${retrans(res.stdout)} | ${cpuPerCall} |`);
  console.error(rows.at(-1));
}
const load = (await Bun.file("/proc/loadavg").text().catch(() => "?")).split(" ").slice(0, 3).join(" ");
const md = [
  "# SIP user agent (dialogs, calls) benchmark",
  "",
  `${machineLine()}; load average at the end ${load} (other suites share the box: treat as lower bounds).`,
  "",
  "## sipp `uac_av.xml` -> avsplit `SipStack` as plain UAS — `bun test/bench/sip-ua-bench.ts`",
  "",
  `UDP loopback, ${SECONDS} s per rate, \`-d 0\`; every call goes through the full stack (IncomingCall, dialog, 180 + 200`,
  "with SDP, ACK, BYE). \"sipp retransmissions\" = INVITE + BYE retransmissions sipp had to send (our answer came",
  "later than 500 ms); \"UAS CPU\" = user+sys of the bun process per successful call.",
  "",
  "| sipp -r | calls | achieved cps (wall, incl. ramp) | ok / failed | sipp retransmissions | UAS CPU µs/call |",
  "|---|---|---|---|---|---|",
  ...rows,
  "",
].join("\n");
writeFileSync(`${import.meta.dir}/../../docs/bench/sip-ua.md`, md);
console.log(md);
await stack.close();
scen.cleanup();
