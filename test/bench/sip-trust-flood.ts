/**
 * Flood: sipp blasts INVITEs from an untrusted address (127.0.0.2) at a minimal UAS guarded by SourceGuard
 * (untrusted => drop, per-source token bucket) while a trusted sipp (127.0.0.1) places normal calls.
 * Run: bun test/bench/sip-trust-flood.ts [floodRate=10000] [trustedRate=50] [seconds=10]
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SourceGuard } from "../../src/sip/trust/index.ts";
import { metrics } from "../../src/observability/metrics.ts";
import { startMinimalUas } from "../interop/sip/minimal-uas.ts";
import { PEERS } from "../support/peers.ts";

const FLOOD_XML = `<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="INVITE flood">
  <send><![CDATA[

      INVITE sip:flood@[remote_ip]:[remote_port] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      From: <sip:attacker@[local_ip]:[local_port]>;tag=[call_number]
      To: <sip:flood@[remote_ip]:[remote_port]>
      Call-ID: [call_id]
      CSeq: 1 INVITE
      Contact: <sip:attacker@[local_ip]:[local_port]>
      Max-Forwards: 70
      Content-Length: 0

  ]]></send>
</scenario>
`;

const [floodRate, trustedRate, seconds] = [Number(process.argv[2] ?? 10_000), Number(process.argv[3] ?? 50), Number(process.argv[4] ?? 10)];
const dir = mkdtempSync(join(tmpdir(), "sipp-flood-"));
cpSync(`${PEERS}/sipp`, dir, { recursive: true });
writeFileSync(join(dir, "flood.xml"), FLOOD_XML);

const guard = new SourceGuard({
  trunks: [{ name: "sbc", role: "carrier", allow: ["127.0.0.1/32"] }], untrustedSource: "drop", rateLimit: { rate: 200, burst: 400 },
});
const uas = await startMinimalUas("udp:127.0.0.1:0", 0, guard);
const target = `127.0.0.1:${uas.transport.bound[0].port}`;
const port = () => 40_000 + Math.floor(Math.random() * 9_000) * 2;
const cpu0 = process.cpuUsage();
const run = (args: string[]) => Bun.spawn(["sipp", ...args, "-nostdin", "-trace_screen"], { cwd: dir, stdout: "ignore", stderr: "ignore" }).exited;
const flood = run(["-sf", "flood.xml", "-i", "127.0.0.2", "-p", String(port()), target, "-r", String(floodRate),
  "-m", String(floodRate * seconds), "-timeout", `${seconds + 5}s`]);
const trusted = run(["-sf", "uac_av.xml", "-s", "b", "-i", "127.0.0.1", "-p", String(port()), "-mi", "127.0.0.1", "-mp", String(port()),
  target, "-r", String(trustedRate), "-m", String(trustedRate * seconds), "-d", "0", "-timeout", `${seconds + 40}s`]);
await Promise.all([flood, trusted]);
const cpu = process.cpuUsage(cpu0);
await uas.close();

const screen = (prefix: string) => {
  const f = readdirSync(dir).find((n) => n.startsWith(prefix) && n.endsWith("_screen.log"));
  return f ? readFileSync(join(dir, f), "utf8") : "";
};
const num = (text: string, re: RegExp) => Number(re.exec(text)?.[1] ?? NaN);
const fl = screen("flood_");
const tr = screen("uac_av_");
rmSync(dir, { recursive: true, force: true });
console.log("| flood INVITEs sent (rate) | untrusted dropped | rate-limited | trusted calls ok / failed | trusted INVITE retrans | UAS CPU s |");
console.log("|---|---|---|---|---|---|");
console.log(`| ${num(fl, /INVITE ---------->\s+(\d+)/)} (${num(fl, /Call Rate\s+\|[^|]+\|\s+([\d.]+) cps/).toFixed(0)}/s) | ` +
  `${metrics.counter("sip_untrusted_total", "").get({ action: "drop" })} | ${metrics.counter("sip_ratelimited_total", "").get()} | ` +
  `${num(tr, /Successful call\s+\|[^|]+\|\s+(\d+)/)} / ${num(tr, /Failed call\s+\|[^|]+\|\s+(\d+)/)} | ` +
  `${num(tr, /INVITE ---------->\s+\d+\s+(\d+)/)} | ${((cpu.user + cpu.system) / 1e6).toFixed(2)} |`);
