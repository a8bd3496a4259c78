/**
 * Foundation figures: binary size, cold start to /readyz, idle RSS, audit append and export rates.
 * Writes docs/bench/appliance.md.
 */
import { Database } from "bun:sqlite";
import { copyFileSync, statSync, writeFileSync } from "node:fs";
import { AuditLog } from "../../src/store/audit-log.ts";
import { exportAudit } from "../../src/store/audit-export.ts";
import { migrate } from "../../src/store/migrate.ts";
import { startAppliance } from "../support/appliance-process.ts";
import { freeTcpPort, freeUdpTcpPort } from "../support/free-port.ts";
import { tempDir } from "../support/temp-dir.ts";
import { machineLine } from "./machine.ts";

const ROOT = `${import.meta.dir}/../..`;
const dir = tempDir("avsplit-bench-");
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

Bun.spawnSync([process.execPath, `${ROOT}/appliance/build.ts`], { cwd: ROOT });
const binary = `${dir.path}/avsplit`;
copyFileSync(`${ROOT}/dist/avsplit`, binary);
const sizeMiB = statSync(binary).size / 2 ** 20;

const startTimes: number[] = [];
const rss: number[] = [];
for (let run = 0; run < 5; run++) {
  const data = `${dir.path}/data-${run}`;
  const config = `${dir.path}/c${run}.toml`;
  writeFileSync(config, `[node]\ndata_dir = "${data}"\n[sip]\nlisten = ["udp:127.0.0.1:${await freeUdpTcpPort()}"]\n[http]\nlisten = "127.0.0.1:${await freeTcpPort()}"\n`);
  // Run 0 creates the TLS certificate; later runs are the normal cold start of an installed box.
  const t0 = performance.now();
  const app = await startAppliance([binary, "serve", "--config", config], { cwd: dir.path });
  const elapsed = performance.now() - t0;
  if (run > 0) startTimes.push(elapsed);
  await Bun.sleep(2000); // idle means idle: let start-up garbage be collected before reading RSS
  const status = await Bun.file(`/proc/${app.proc.pid}/status`).text();
  rss.push(Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024);
  await app.terminate();
}

const db = new Database(`${dir.path}/audit.db`);
db.run("PRAGMA journal_mode = WAL");
db.run("PRAGMA synchronous = NORMAL");
migrate(db);
const log = new AuditLog(db);
const N = 100_000;
let t = performance.now();
for (let i = 0; i < N; i++) log.append({ type: "session.state", actor: "system", sessionId: `s${i % 100}`, data: { i, state: "bridged", caller: "13800138000" } });
const appendRate = N / ((performance.now() - t) / 1000);
t = performance.now();
let bytes = 0;
exportAudit(log, {}, "csv", (s) => (bytes += s.length), { node: "bench" });
const exportRate = N / ((performance.now() - t) / 1000);
t = performance.now();
const report = log.verify();
const verifyRate = N / ((performance.now() - t) / 1000);
if (!report.ok) throw new Error("chain did not verify");
db.close();
dir.cleanup();

const md = `## Appliance foundation

${machineLine()}

| figure | value |
|---|---|
| binary size (dist/avsplit) | ${sizeMiB.toFixed(1)} MiB |
| cold start to ready (/readyz 200), median of 4 | ${median(startTimes).toFixed(0)} ms |
| idle RSS after start, median of 5 | ${median(rss).toFixed(0)} MB |
| audit append with hash chain (one transaction per event, WAL, synchronous=NORMAL) | ${Math.round(appendRate).toLocaleString("en")} events/s |
| audit export, CSV | ${Math.round(exportRate).toLocaleString("en")} events/s (${(bytes / N).toFixed(0)} bytes/event) |
| audit verify (database) | ${Math.round(verifyRate).toLocaleString("en")} events/s |
`;
writeFileSync(`${ROOT}/docs/bench/appliance.md`, md);
console.log(md);
