/**
 * The appliance under test as its own process (`bun src/cli.ts serve`, log level warn), so its CPU and RSS
 * are its own: a temp config with a caller trunk, a call-center trunk and N agents with embed tokens.
 */
import type { Subprocess } from "bun";
import { writeFileSync } from "node:fs";
import { freeTcpPort, freeUdpTcpPort } from "../../support/free-port.ts";
import { tempDir } from "../../support/temp-dir.ts";
import { applianceToml } from "../../support/appliance-config.ts";

const ROOT = `${import.meta.dir}/../../..`;

export interface BenchAgent { id: string; token: string }

export interface BenchApplianceOptions {
  agents: BenchAgent[];
  /** UDP port of the call-center trunk (the bench's own UDP peer, then sipp). */
  ccPort: number;
  /** Media ports for the appliance: an even base and count. */
  rtpBase: number;
  rtpCount: number;
  /** Run this compiled binary instead of `bun src/cli.ts` (the benchmark copies dist/avsplit, so a rebuild mid-run cannot change it). */
  binary?: string;
  /** With the source run: write a CPU profile (markdown) of the appliance into this folder when it stops. */
  cpuProfileDir?: string;
  /** [media] relay_thread (default: the appliance's, on). */
  relayThread?: boolean;
}

export interface BenchAppliance {
  proc: Subprocess<"ignore", "ignore", "pipe">;
  pid: number;
  sipPort: number;
  httpsPort: number;
  dataDir: string;
  /** stderr lines (warnings and errors only). */
  logs: string[];
  /** GET over HTTPS (self-signed certificate). */
  get(path: string): Promise<Response>;
  /** Prometheus counters/gauges whose name starts with `prefix`, label string -> value. */
  metrics(prefix: string): Promise<Map<string, number>>;
  stop(): Promise<void>;
}

export async function startBenchAppliance(opts: BenchApplianceOptions): Promise<BenchAppliance> {
  const dir = tempDir("avsplit-split-bench-");
  const sipPort = await freeUdpTcpPort();
  const httpsPort = await freeTcpPort();
  const config = `${dir.path}/avsplit.toml`;
  writeFileSync(config, applianceToml({
    dataDir: `${dir.path}/data`, sipPort, httpsPort, rtpPorts: `${opts.rtpBase}-${opts.rtpBase + opts.rtpCount - 1}`, ccPort: opts.ccPort,
    agents: opts.agents, drainS: 0, relayThread: opts.relayThread,
  }));
  const profile = opts.cpuProfileDir ? ["--cpu-prof", "--cpu-prof-md", `--cpu-prof-dir=${opts.cpuProfileDir}`] : [];
  const cmd = opts.binary ? [opts.binary] : [process.execPath, ...profile, `${ROOT}/src/cli.ts`];
  const proc = Bun.spawn([...cmd, "serve", "--config", config], {
    cwd: dir.path, stdin: "ignore", stdout: "ignore", stderr: "pipe", env: { PATH: process.env.PATH ?? "" },
  });
  const logs: string[] = [];
  void (async () => {
    const decoder = new TextDecoder();
    for await (const chunk of proc.stderr as unknown as AsyncIterable<Uint8Array>) {
      for (const line of decoder.decode(chunk).split("\n")) if (line && logs.length < 2000) logs.push(line);
    }
  })();
  const get = (path: string) => fetch(`https://127.0.0.1:${httpsPort}${path}`, { tls: { rejectUnauthorized: false } } as RequestInit);
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`appliance exited (${proc.exitCode}):\n${logs.join("\n")}`);
    const ok = await get("/readyz").then((r) => r.ok, () => false);
    if (ok) break;
    if (Date.now() > deadline) throw new Error(`appliance not ready in 30 s:\n${logs.join("\n")}`);
    await Bun.sleep(100);
  }
  return {
    proc, pid: proc.pid, sipPort, httpsPort, dataDir: `${dir.path}/data`, logs, get,
    async metrics(prefix) {
      const text = await (await get("/metrics")).text();
      const out = new Map<string, number>();
      for (const line of text.split("\n")) {
        if (!line.startsWith(prefix)) continue;
        const sp = line.lastIndexOf(" ");
        out.set(line.slice(0, sp), Number(line.slice(sp + 1)));
      }
      return out;
    },
    async stop() {
      proc.kill("SIGTERM");
      const killer = setTimeout(() => proc.kill(9), 8000);
      await proc.exited;
      clearTimeout(killer);
      dir.cleanup();
    },
  };
}
