/**
 * The split, measured end to end with the appliance in its own process (dist/avsplit copied to a temp dir,
 * or `--source` for `bun src/cli.ts`), log level warn, everything on loopback:
 *
 *  1. setup latency caller INVITE -> call-center INVITE (two UDP SIP peers in this process, same clock), in
 *     several runs; with --rt also with the appliance and this process at real-time priority (split/realtime.ts),
 *     which takes the other processes of a shared box out of the figure;
 *  2. concurrent split video calls: sipp callers (audio rtp_stream + the H.264 pcap replayed), a sipp call
 *     center with -rtp_echo naming one agent per call, and werift agent widgets in another process
 *     (split/agent-clients.ts) that join each video and count RTP loss; stepped up, with the appliance's
 *     CPU and RSS at each step;
 *  3. agent join -> first decoded frame in headless Chromium (the real widget page), once with sipp's pcap
 *     (IDR every second, keyframe requests ignored) and once with split/keyframe-caller.ts (answers PLI/FIR);
 *  4. memory per active session (RSS at the plateau minus idle RSS, per session; and between steps).
 *
 * Usage: bun test/bench/split-bench.ts [--steps 25,50,100,200,300] [--rate 20] [--window 10] [--latency-calls 300]
 *        [--latency-cps 25] [--latency-runs 3] [--rt] [--chromium-calls 10] [--source] [--cpu-prof DIR] [--no-write]
 *        [--relay-thread 0]  (SIP audio on the main event loop, [media] relay_thread = false)
 * (--steps none --chromium-calls 0: setup latency only)
 * (--cpu-prof runs the source with `bun --cpu-prof --cpu-prof-md` and leaves the appliance's profile in DIR)
 * Writes docs/bench/split.md unless --no-write. Ends on its own: every loop and peer is bounded.
 */
import { Database } from "bun:sqlite";
import { copyFileSync, existsSync, statSync, writeFileSync } from "node:fs";
import { freeUdpTcpPort } from "../support/free-port.ts";
import { tempDir } from "../support/temp-dir.ts";
import { freePorts } from "../interop/sip/sipp.ts";
import { launchChromium } from "../support/chromium.ts";
import { machineLine } from "./machine.ts";
import { startBenchAppliance, type BenchAgent, type BenchAppliance } from "./split/appliance.ts";
import { measureSetupLatency } from "./split/setup-latency.ts";
import { CpuWindow, loadAverage, rssMiB, timerLagProbe, udpDrops } from "./split/proc-stats.ts";
import { withRealtimePriority } from "./split/realtime.ts";
import { callCenterScenario, longCallerScenario, PCAP_PLAY_MS, prepareScenarios, runSipp, SIPP, type SippRun } from "./split/sipp-peers.ts";
import { instrumentPage, joinSamples, type JoinSample } from "./split/chromium-join.ts";
import { KeyframeCaller } from "./split/keyframe-caller.ts";

const HARD_LIMIT_MS = 9.5 * 60_000;
const ROOT = `${import.meta.dir}/../..`;
const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i++) {
  const a = process.argv[i]!;
  if (a.startsWith("--")) args.set(a.slice(2), process.argv[i + 1]?.startsWith("--") === false && process.argv[i + 1] !== undefined ? process.argv[++i]! : "1");
}
const STEPS = (args.get("steps") ?? "25,50,100,200,300").split(",").map(Number).filter((n) => n > 0);
const RATE = Number(args.get("rate") ?? 20);
const WINDOW_S = Number(args.get("window") ?? 10);
const LATENCY_CALLS = Number(args.get("latency-calls") ?? 300);
const LATENCY_CPS = Number(args.get("latency-cps") ?? 25);
const LATENCY_RUNS = Math.max(1, Number(args.get("latency-runs") ?? 3));
const CHROMIUM_CALLS = Number(args.get("chromium-calls") ?? 10);
const MAX_AGENTS = Math.max(1, ...STEPS);

const started = performance.now();
const cleanups: (() => void | Promise<void>)[] = [];
/** Child processes killed however this script ends (an exception included). */
const children = new Set<number>();
process.on("exit", () => {
  for (const pid of children) try { process.kill(pid, "SIGKILL"); } catch { /* gone already */ }
});
const hardStop = setTimeout(() => {
  console.error(`split-bench: hard limit of ${HARD_LIMIT_MS / 60_000} min reached, stopping`);
  void Promise.allSettled(cleanups.map((c) => c())).then(() => process.exit(3));
}, HARD_LIMIT_MS);

const pct = (xs: number[], p: number) => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};
const f = (n: number, d = 1) => (Number.isFinite(n) ? n.toFixed(d) : "n/a");
const log = (msg: string) => console.error(`[${((performance.now() - started) / 1000).toFixed(0).padStart(3)} s] ${msg}`);

// ------------------------------------------------------------------------------------------ setup
if (!SIPP) throw new Error("sipp is not installed");
const work = tempDir("avsplit-split-bench-");
process.on("exit", () => work.cleanup());
let binary: string | undefined;
let builtAt = "";
if (!args.has("source") && !args.has("cpu-prof")) {
  if (!existsSync(`${ROOT}/dist/avsplit`)) throw new Error("dist/avsplit missing: `bun run build`, or pass --source");
  builtAt = statSync(`${ROOT}/dist/avsplit`).mtime.toISOString().slice(0, 16) + "Z";
  binary = `${work.path}/avsplit`;
  copyFileSync(`${ROOT}/dist/avsplit`, binary);
}
prepareScenarios(work.path);
const agents: BenchAgent[] = Array.from({ length: MAX_AGENTS }, (_, i) => ({ id: `agent-${String(i + 1).padStart(3, "0")}`, token: `bench-token-${i + 1}-${crypto.randomUUID()}` }));
const chromeAgent: BenchAgent = { id: "chrome", token: `bench-token-chrome-${crypto.randomUUID()}` };
const ccPort = await freeUdpTcpPort();
const rtpBase = 40000 + 2 * Math.floor(Math.random() * 2000);
const app: BenchAppliance = await startBenchAppliance({ agents: [...agents, chromeAgent], ccPort, rtpBase, rtpCount: 12 * MAX_AGENTS + 200, binary, cpuProfileDir: args.get("cpu-prof"),
  relayThread: args.has("relay-thread") ? args.get("relay-thread") !== "0" : undefined });
cleanups.push(() => app.stop());
children.add(app.pid);
await Bun.sleep(2000);
const idleRss = rssMiB(app.pid);
log(`appliance ${binary ? "dist/avsplit" : "src/cli.ts"} pid ${app.pid} up, idle RSS ${f(idleRss)} MiB, load average ${loadAverage()}`);

// ------------------------------------------------------------------------------------------ 1. setup latency
await measureSetupLatency({ sipPort: app.sipPort, ccPort, calls: 50, cps: LATENCY_CPS }); // warm-up: the first calls pay for JIT compilation

interface LatencyRun { samples: number[]; failed: number; appCpuPct: number; cpuMsPerCall: number; lags: number[]; load: number }
async function latencyRun(): Promise<LatencyRun> {
  const cpu = new CpuWindow({ app: [app.pid] });
  const lagProbe = timerLagProbe();
  const r = await measureSetupLatency({ sipPort: app.sipPort, ccPort, calls: LATENCY_CALLS, cps: LATENCY_CPS });
  const lags = lagProbe.stop();
  const c = cpu.read();
  const run = { ...r, appCpuPct: c.app!, cpuMsPerCall: ((c.app! / 100) * c.wallMs) / LATENCY_CALLS, lags, load: loadAverage() };
  log(`setup latency: ${r.samples.length} calls, p50 ${f(pct(r.samples, 50), 2)} ms, p99 ${f(pct(r.samples, 99), 2)} ms, max ${f(pct(r.samples, 100), 2)} ms, load ${run.load}`);
  return run;
}
/**
 * Normal scheduling, then with --rt the appliance and the bench peers at real-time priority. (Raising the peers alone
 * does not isolate anything on 2 cores: they then take a core from the appliance.)
 */
const latencySetups: { how: string; pids: number[] }[] = [
  { how: "normal scheduling", pids: [] },
  ...(args.has("rt") ? [{ how: "appliance + bench peers at SCHED_FIFO 10 (the box's other processes cannot delay them)", pids: [app.pid, process.pid] }] : []),
];
const latencyResults: { how: string; runs: LatencyRun[] }[] = [];
for (const setup of latencySetups) {
  const runs: LatencyRun[] = [];
  for (let i = 0; i < LATENCY_RUNS; i++) {
    const run = await withRealtimePriority(setup.pids, latencyRun);
    if (!run) { log(`${setup.how}: chrt failed (needs root or CAP_SYS_NICE), skipped`); break; }
    runs.push(run);
  }
  if (runs.length) latencyResults.push({ how: setup.how, runs });
}

/** The call center's sipp, given 5 s after its last call to exit by itself (a UAS with -m does not always). */
async function ended(run: SippRun): Promise<void> {
  await Promise.race([run.done, Bun.sleep(5000)]);
  run.kill();
}

// ------------------------------------------------------------------------------------------ 3. Chromium join
const ccMediaPort = await freePorts(4);
const callerPort = await freePorts(1);
const callerMediaPort = await freePorts(4);
const ccArgs = (scenario: string, injection: string, calls: number) => [
  "-sf", scenario, "-inf", injection, "-i", "127.0.0.1", "-p", String(ccPort), "-mi", "127.0.0.1", "-mp", String(ccMediaPort), "-rtp_echo", "-m", String(calls),
];
const callerArgs = (scenario: string, calls: number, rate: number, limit: number, extra: string[] = []) => [
  "-sf", scenario, "-s", "110", "-i", "127.0.0.1", "-p", String(callerPort), "-mi", "127.0.0.1", "-mp", String(callerMediaPort),
  `127.0.0.1:${app.sipPort}`, "-m", String(calls), "-l", String(limit), "-r", String(rate), "-rp", "1000", ...extra,
];

/** Join samples per caller kind: sipp (pcap, IDR every 1 s, ignores PLI) and a caller that answers PLI/FIR at once. */
const joins: Record<"sipp" | "keyframe", JoinSample[]> = { sipp: [], keyframe: [] };
if (CHROMIUM_CALLS > 0) {
  const browser = await launchChromium({ args: ["--ignore-certificate-errors"] });
  cleanups.push(() => browser.close());
  try {
    await instrumentPage(browser.page);
    await browser.page.goto(`https://127.0.0.1:${app.httpsPort}/agent/?agent=${chromeAgent.id}#token=${chromeAgent.token}`);
    await Bun.sleep(1000); // the widget's WebSocket says hello
    const cc = callCenterScenario(work.path, [chromeAgent.id], "chrome");
    const seen = new Set<string>();
    const newSamples = async () => (await joinSamples(browser.page)).filter((j) => !seen.has(j.sessionId) && seen.add(j.sessionId));

    let ccRun = runSipp(work.path, ccArgs(cc.scenario, cc.injection, CHROMIUM_CALLS), 20 + CHROMIUM_CALLS * 8);
    children.add(ccRun.pid);
    await Bun.sleep(300);
    // one call at a time, 3 s each (the widget joins, decodes, the caller hangs up), 1 call/s offered
    const callerRun = runSipp(work.path, callerArgs("uac_av_media.xml", CHROMIUM_CALLS, 1, 1, ["-d", "3000"]), 20 + CHROMIUM_CALLS * 8);
    children.add(callerRun.pid);
    const caller = await callerRun.done;
    await ended(ccRun);
    joins.sipp = await newSamples();
    log(`chromium, sipp caller: ${caller.successful} calls ok, ${caller.failed} failed; ${joins.sipp.filter((j) => j.firstFrameMs !== null).length} decoded`);

    ccRun = runSipp(work.path, ccArgs(cc.scenario, cc.injection, CHROMIUM_CALLS), 20 + CHROMIUM_CALLS * 8);
    children.add(ccRun.pid);
    await Bun.sleep(300);
    const keyframeCaller = await KeyframeCaller.start(app.sipPort);
    let requests = 0;
    for (let i = 0; i < CHROMIUM_CALLS; i++) {
      const r = await keyframeCaller.call("+33600000002", 3000);
      requests += r.keyframeRequests;
      await Bun.sleep(500);
    }
    keyframeCaller.close();
    await ended(ccRun);
    joins.keyframe = await newSamples();
    log(`chromium, keyframe caller: ${joins.keyframe.filter((j) => j.firstFrameMs !== null).length} decoded, ${requests} keyframe requests answered`);
  } finally {
    await browser.close();
  }
}
const decodedMs = (k: keyof typeof joins) => joins[k].map((j) => j.firstFrameMs).filter((x): x is number => x !== null);
const firstRtpMs = (k: keyof typeof joins) => joins[k].map((j) => j.firstRtpMs).filter((x): x is number => x !== null);

// ------------------------------------------------------------------------------------------ 2. concurrency
class AgentClients {
  readonly proc = Bun.spawn([process.execPath, `${import.meta.dir}/split/agent-clients.ts`, `wss://127.0.0.1:${app.httpsPort}/agent/ws`, JSON.stringify(agents)], {
    stdin: "pipe", stdout: "pipe", stderr: "inherit",
  });
  private readonly lines: AsyncIterator<string>;
  constructor() {
    const stream = this.proc.stdout as unknown as AsyncIterable<Uint8Array>;
    this.lines = (async function* () {
      const decoder = new TextDecoder();
      let buf = "";
      for await (const chunk of stream) {
        buf += decoder.decode(chunk);
        let nl;
        while ((nl = buf.indexOf("\n")) >= 0) { yield buf.slice(0, nl); buf = buf.slice(nl + 1); }
      }
    })();
  }
  async call<T>(cmd: string): Promise<T> {
    this.proc.stdin.write(JSON.stringify({ cmd }) + "\n");
    this.proc.stdin.flush();
    const r = await this.lines.next();
    if (r.done) throw new Error("agent clients process ended");
    return JSON.parse(r.value) as T;
  }
}
interface AgentStats {
  welcomed: number; joins: number; legs: number; connected: number; withMedia: number; waiting: Record<string, number>; received: number; expected: number;
  errors: string[]; firstRtpMs: number[];
}

interface StepRow {
  calls: number; established: number; legs: number; withMedia: number; waiting: Record<string, number>; received: number; expected: number; lossPct: number;
  appCpu: number; sippCpu: number; agentsCpu: number; machineCpu: number; rssMiB: number; perSessionMiB: number;
  callerOk: number; callerFailed: number; drops: number; kernelDrops: number; firstRtpP50: number; firstRtpMax: number; errors: string[]; note: string;
}
const steps: StepRow[] = [];
const agentClients = new AgentClients();
children.add(agentClients.proc.pid);
{
  const deadline = Date.now() + 20_000;
  while ((await agentClients.call<AgentStats>("stats")).welcomed < agents.length && Date.now() < deadline) await Bun.sleep(200);
}

async function drops(): Promise<number> {
  let total = 0;
  for (const [, v] of await app.metrics("media_packets_dropped_total")) total += v;
  return total;
}

for (const n of STEPS) {
  if (performance.now() - started > HARD_LIMIT_MS - 120_000) {
    log(`skipping step ${n}: too close to the time limit`);
    break;
  }
  const rampS = n / RATE;
  const joinAllowanceS = 8 + n / 25;
  const plays = Math.ceil((rampS + 1 + joinAllowanceS + 2 + WINDOW_S + 2) / (PCAP_PLAY_MS / 1000));
  const callS = (plays * PCAP_PLAY_MS) / 1000;
  const cc = callCenterScenario(work.path, agents.slice(0, n).map((a) => a.id), `agents-${n}`);
  const timeoutS = Math.ceil(rampS + callS + 30);
  const drops0 = await drops();
  const ccRun = runSipp(work.path, ccArgs(cc.scenario, cc.injection, n), timeoutS);
  children.add(ccRun.pid);
  await Bun.sleep(300);
  const t0 = performance.now();
  const callerRun = runSipp(work.path, callerArgs(longCallerScenario(work.path, plays), n, RATE, n), timeoutS);
  children.add(callerRun.pid);
  const firstCallEnds = t0 + callS * 1000 - 1500;
  log(`step ${n}: ${n} calls at ${RATE}/s, ${callS} s each`);

  // all calls up and every agent leg receiving, or as many as made it by the allowance
  let s = await agentClients.call<AgentStats>("stats");
  const firstRtp = [...s.firstRtpMs];
  const errors = [...s.errors];
  const joinDeadline = t0 + (rampS + 1 + joinAllowanceS) * 1000;
  while (s.withMedia < n && performance.now() < joinDeadline) {
    await Bun.sleep(250);
    s = await agentClients.call<AgentStats>("stats");
    firstRtp.push(...s.firstRtpMs);
    errors.push(...s.errors);
  }
  await Bun.sleep(2000);
  const before = await agentClients.call<AgentStats>("stats");
  firstRtp.push(...before.firstRtpMs);
  errors.push(...before.errors);
  const cpu = new CpuWindow({ app: [app.pid], sipp: [ccRun.pid, callerRun.pid], agents: [agentClients.proc.pid] });
  const udp0 = udpDrops();
  const windowEnd = Math.min(performance.now() + WINDOW_S * 1000, firstCallEnds);
  const rss: number[] = [];
  while (performance.now() < windowEnd) {
    await Bun.sleep(Math.min(1000, Math.max(0, windowEnd - performance.now())));
    rss.push(rssMiB(app.pid));
  }
  const after = await agentClients.call<AgentStats>("stats");
  const c = cpu.read();
  const kernelDrops = udpDrops().rcvbufErrors - udp0.rcvbufErrors;
  const active = (await app.metrics("avsplit_sessions_active")).get("avsplit_sessions_active") ?? NaN;
  const received = after.received - before.received;
  const expected = after.expected - before.expected;
  const plateau = rss.length ? Math.max(...rss) : rssMiB(app.pid);
  const caller = await callerRun.done;
    await ended(ccRun);
  const d = (await drops()) - drops0;
  const row: StepRow = {
    calls: n, established: active, legs: after.legs, withMedia: after.withMedia, waiting: after.waiting, received, expected,
    lossPct: expected > 0 ? Math.max(0, (1 - received / expected) * 100) : NaN,
    appCpu: c.app!, sippCpu: c.sipp!, agentsCpu: c.agents!, machineCpu: c.machine, rssMiB: plateau,
    perSessionMiB: active > 0 ? (plateau - idleRss) / active : NaN,
    callerOk: caller.successful, callerFailed: caller.failed, drops: d, kernelDrops, firstRtpP50: pct([...firstRtp, ...after.firstRtpMs], 50), firstRtpMax: pct([...firstRtp, ...after.firstRtpMs], 100),
    errors: [...errors, ...after.errors].slice(0, 5),
    note: `${f(c.wallMs / 1000, 1)} s window`,
  };
  steps.push(row);
  log(`step ${n}: ${JSON.stringify(row)}`);
  if (caller.failed > 0 || Number.isNaN(caller.successful)) log(`caller sipp:\n${caller.tail}`);
  // let sessions end and the appliance settle before the next step
  const settle = Date.now() + 15_000;
  while (Date.now() < settle && ((await app.metrics("avsplit_sessions_active")).get("avsplit_sessions_active") ?? 0) > 0) await Bun.sleep(250);
}
await agentClients.call("close").catch(() => undefined);
/** How the agent video legs of the whole run ended, from the appliance's own journal. */
const legEnds: Record<string, number> = {};
try {
  const db = new Database(`${app.dataDir}/avsplit.db`, { readonly: true });
  for (const { data } of db.query<{ data: string }, []>("SELECT data FROM events WHERE type = 'leg.ended'").all()) {
    const e = JSON.parse(data) as { kind?: string; reason?: string };
    if (e.kind === "agent") legEnds[e.reason ?? "?"] = (legEnds[e.reason ?? "?"] ?? 0) + 1;
  }
  db.close();
} catch (err) {
  legEnds[`unreadable: ${(err as Error).message}`] = 0;
}
const warnings = app.logs.filter((l) => !l.includes("first start")).slice(0, 10);
await app.stop();
work.cleanup();
clearTimeout(hardStop);

// ------------------------------------------------------------------------------------------ report
/** Setup latency of some runs: pooled percentiles, then each run's p99 and the load it saw. */
function latencyRow(how: string, runs: LatencyRun[]): string {
  const all = runs.flatMap((r) => r.samples);
  const lags = runs.flatMap((r) => r.lags);
  const lost = runs.reduce((n, r) => n + r.failed, 0);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  return `| setup latency caller INVITE -> call-center INVITE, ${how} (${runs.length} runs x ${LATENCY_CALLS} calls at ${LATENCY_CPS}/s, ${lost} lost) | p99 < 5 ms | `
    + `p50 ${f(pct(all, 50), 2)} ms, p99 ${f(pct(all, 99), 2)} ms, max ${f(pct(all, 100), 2)} ms; p99 per run ${runs.map((r) => f(pct(r.samples, 99), 2)).join(" / ")} ms `
    + `at load average ${runs.map((r) => r.load).join(" / ")} (appliance CPU ${f(mean(runs.map((r) => r.appCpuPct)))} %, ${f(mean(runs.map((r) => r.cpuMsPerCall)), 2)} ms CPU per call; `
    + `a 1 ms timer in the bench process fired late by p50 ${f(pct(lags, 50), 2)} / p99 ${f(pct(lags, 99), 2)} ms meanwhile) |`;
}

const best = [...steps].reverse().find((r) => r.lossPct < 0.5 && r.withMedia >= r.calls && r.callerFailed === 0);
const plateauRow = steps.at(-1);
const md = `## The split end to end (issue 5 figures)

${machineLine()}; load average ${loadAverage()} at the end (other development processes shared the two cores; machine CPU below is all processes).
Appliance: ${binary ? `dist/avsplit (compiled, built ${builtAt})` : "bun src/cli.ts"} in its own process, log level warn; all peers on loopback. \`bun test/bench/split-bench.ts\`.
Setup latency = from the bench's caller socket sending a caller INVITE (audio + video SDP) to the bench's call-center socket
receiving the appliance's audio-only INVITE for that call (matched by the caller number in From), both stamped with
performance.now() in the bench process; the call center answers 486, so no call stays up. 50 warm-up calls first.

| figure | goal | measured |
|---|---|---|
${latencyResults.map((r) => latencyRow(r.how, r.runs)).join("\n")}
| concurrent split video calls at < 0.5 % video loss | >= 200 | ${best ? `${best.calls} (largest step that held)` : "none of the steps held"}; steps below |
| agent join -> first decoded frame, Chromium; caller answers PLI/FIR at once (${decodedMs("keyframe").length}/${joins.keyframe.length} calls decoded) | < 1 s | p50 ${f(pct(decodedMs("keyframe"), 50), 0)} ms, max ${f(pct(decodedMs("keyframe"), 100), 0)} ms (first RTP p50 ${f(pct(firstRtpMs("keyframe"), 50), 0)} ms) |
| the same with the sipp caller: pcap with an IDR every 1 s, PLI ignored (${decodedMs("sipp").length}/${joins.sipp.length} calls decoded) | < 1 s | p50 ${f(pct(decodedMs("sipp"), 50), 0)} ms, max ${f(pct(decodedMs("sipp"), 100), 0)} ms (first RTP p50 ${f(pct(firstRtpMs("sipp"), 50), 0)} ms) |
| memory per active session (RSS at the plateau - idle ${f(idleRss, 0)} MiB, / sessions) | - | ${plateauRow ? `${f(plateauRow.perSessionMiB, 2)} MiB at ${plateauRow.established} sessions` : "n/a"} |

Concurrency steps (sipp callers at ${RATE} calls/s, audio rtp_stream + H.264 pcap 81 pkt/s replayed; sipp call center -rtp_echo;
werift agents in one other process; loss = 1 - received/expected by RTP sequence numbers at the agents over the window):

| calls | sessions up | agent legs with video | video loss | appliance CPU | sipp CPU | agents CPU | machine CPU (all) | appliance RSS | RSS / session (marginal) | session -> first RTP p50 / max (werift) | relay drops (step) / kernel UDP rcvbuf drops (window, all sockets) | caller sipp ok/failed |
|---|---|---|---|---|---|---|---|---|---|---|---|---|
${steps.map((r, i) => {
  const prev = steps[i - 1];
  const marginal = prev ? (r.rssMiB - prev.rssMiB) / (r.established - prev.established) : NaN;
  const waiting = Object.entries(r.waiting).map(([k, v]) => `${v} ${k}`).join(", ");
  return `| ${r.calls} | ${r.established} | ${r.withMedia}/${r.legs}${waiting ? ` (no video: ${waiting})` : ""} | ${f(r.lossPct, 2)} % (${r.received}/${r.expected}) | ${f(r.appCpu, 0)} % | ${f(r.sippCpu, 0)} % | ${f(r.agentsCpu, 0)} % | ${f(r.machineCpu, 0)} % | ${f(r.rssMiB, 0)} MiB | ${f(r.perSessionMiB, 2)} (${f(marginal, 2)}) MiB | ${f(r.firstRtpP50, 0)} / ${f(r.firstRtpMax, 0)} ms | ${r.drops} / ${r.kernelDrops} | ${r.callerOk}/${r.callerFailed} |`;
}).join("\n")}

Agent video legs of the run, by how they ended (appliance journal): ${Object.entries(legEnds).map(([k, v]) => `${k} ${v}`).join(", ") || "none"}.

CPU in % of one core (200 % = both cores). ${steps.some((r) => r.errors.length) ? `Agent errors: ${steps.flatMap((r) => r.errors).slice(0, 5).join("; ")}` : ""}
${warnings.length ? `Appliance warnings: \`${warnings.join("` `").slice(0, 1500)}\`` : ""}
`;
if (!args.has("no-write")) writeFileSync(`${ROOT}/docs/bench/split.md`, md);
console.log(md);
process.exit(0);
