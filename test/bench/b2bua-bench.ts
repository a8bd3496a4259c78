/**
 * SIP call throughput through the whole split (issue 3's B2BUA figure): sipp UAC (A+V INVITE, BYE at once) ->
 * avsplit (answers the caller, places the audio-only call-center INVITE, allocates media) -> sipp UAS answering at
 * once. The appliance runs as its own process; reported: achieved calls/s, failed calls and retransmissions seen by
 * each sipp, and the appliance's CPU per call. Writes docs/bench/b2bua.md.
 */
import { cpSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { applianceToml } from "../support/appliance-config.ts";
import { startAppliance } from "../support/appliance-process.ts";
import { freeTcpPort } from "../support/free-port.ts";
import { PEERS } from "../support/peers.ts";
import { tempDir } from "../support/temp-dir.ts";
import { freePorts, runSipp, startSipp } from "../interop/sip/sipp.ts";
import { machineLine } from "./machine.ts";

const ROOT = `${import.meta.dir}/../..`;
const RATES = (process.env.B2BUA_RATES ?? "100,200,400,600").split(",").map(Number);
const SECONDS = Number(process.env.B2BUA_SECONDS ?? 10);

interface SippStats { ok: number; failed: number; retrans: number }

/** sipp's final screen: "Successful call | a | b" and per-message rows "...  <msgs> <retrans> <timeout> <unexp>". */
function sippStats(stdout: string): SippStats {
  const last = (re: RegExp) => { let m, v = 0; while ((m = re.exec(stdout))) v = Number(m[1]); return v; };
  let retrans = 0;
  for (const line of stdout.split("\n")) {
    const m = /^\s*(?:<?-+>?\s*)?(?:INVITE|ACK|BYE|\d{3})\b.*?\s(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*$/.exec(line);
    if (m && /(-->|<--)/.test(line)) retrans += Number(m[2]);
  }
  return { ok: last(/Successful call\s+\|\s+\d+\s+\|\s+(\d+)/g), failed: last(/Failed call\s+\|\s+\d+\s+\|\s+(\d+)/g), retrans };
}

const cpuMs = async (pid: number) => {
  const f = (await Bun.file(`/proc/${pid}/stat`).text()).split(") ")[1].split(" ");
  return ((Number(f[11]) + Number(f[12])) * 1000) / 100;
};

const dir = tempDir("avsplit-b2bua-");
cpSync(join(PEERS, "sipp"), dir.path, { recursive: true });
cpSync(join(import.meta.dir, "b2bua"), dir.path, { recursive: true });
const [sipPort, ccPort, callerPort, httpsPort] = [await freePorts(1), await freePorts(1), await freePorts(1), await freeTcpPort()];
const config = join(dir.path, "avsplit.toml");
writeFileSync(config, applianceToml({
  dataDir: `${dir.path}/data`, sipPort, httpsPort, rtpPorts: "30000-39999", ccPort, logLevel: "info",
  sipExtra: ["rate_limit_per_s = 100000", "rate_limit_burst = 100000"],
}));
const profile = process.env.B2BUA_CPU_PROF ? ["--cpu-prof", `--cpu-prof-dir=${process.env.B2BUA_CPU_PROF}`] : [];
const app = await startAppliance([process.execPath, ...profile, `${ROOT}/src/cli.ts`, "serve", "--config", config], { cwd: dir.path });

const rows: string[] = [];
for (const rate of RATES) {
  const calls = rate * SECONDS;
  const cc = startSipp(dir.path, ["-sf", "uas_cc_fast.xml", "-i", "127.0.0.1", "-p", String(ccPort), "-m", String(calls)], SECONDS * 6);
  const cpu0 = await cpuMs(app.proc.pid);
  const t0 = performance.now();
  const caller = await runSipp(dir.path, [
    "-sf", "uac_av.xml", "-s", "110", "-i", "127.0.0.1", "-p", String(callerPort), `127.0.0.1:${sipPort}`,
    "-r", String(rate), "-m", String(calls), "-d", "0", "-l", String(rate * 5),
  ], SECONDS * 6);
  const elapsed = (performance.now() - t0) / 1000;
  const cpu = (await cpuMs(app.proc.pid)) - cpu0;
  const ccResult = await cc.done;
  const a = sippStats(caller.stdout);
  const b = sippStats(ccResult.stdout);
  rows.push(`| ${rate} | ${calls} | ${(a.ok / elapsed).toFixed(0)} | ${a.ok} / ${a.failed} | ${a.retrans} | ${b.ok} / ${b.failed} | ${b.retrans} | ${((cpu * 1000) / Math.max(1, a.ok)).toFixed(0)} µs |`);
  console.log(rows.at(-1));
}
await app.terminate();
dir.cleanup();

const md = `## SIP B2BUA throughput (split calls, signalling only)

${machineLine()}

sipp \`uac_av.xml\` (A+V INVITE, BYE right after the ACK) -> avsplit (answers the caller, allocates 3 RTP port
pairs, audio-only INVITE to the call center) -> sipp \`uas_cc_fast.xml\` (answers at once); ${SECONDS} s per rate;
the appliance is a separate process (\`bun src/cli.ts serve\`); its CPU per call includes both SIP legs, SDP
split/merge, port allocation and the audit journal (about 10 events per call, SQLite WAL).

| offered calls/s | calls | achieved calls/s | caller ok / failed | caller retrans | call center ok / failed | call center retrans | avsplit CPU per call |
|---|---|---|---|---|---|---|---|
${rows.join("\n")}

Goal (issue 3): >= 500 calls/s with 0 failed calls and no retransmissions.
`;
writeFileSync(`${ROOT}/docs/bench/b2bua.md`, md);
console.log(md);
