/** CPU and memory of processes from /proc, for benchmarks that measure one process alone. */
import { readFileSync } from "node:fs";

const CLOCK_TICKS = 100;

/** utime + stime of a process (all threads), in ms; 0 once it is gone. */
export function cpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}

/** Resident set size in MiB (0 once the process is gone). */
export function rssMiB(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** Busy and total jiffies of the whole machine (all cores), from /proc/stat. */
export function machineJiffies(): { busy: number; total: number } {
  const cpu = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).slice(1).map(Number);
  const total = cpu.reduce((a, b) => a + b, 0);
  const idle = cpu[3]! + (cpu[4] ?? 0);
  return { busy: total - idle, total };
}

/**
 * CPU use over a window: each watched process in % of one core, and the whole machine in % of all cores,
 * so "others" (processes outside the bench) can be told apart.
 */
export class CpuWindow {
  private readonly t0 = performance.now();
  private readonly start: Map<string, number>;
  private readonly machine0 = machineJiffies();

  constructor(private readonly pids: Record<string, number[]>) {
    this.start = new Map(Object.entries(pids).map(([k, ps]) => [k, ps.reduce((s, p) => s + cpuMs(p), 0)]));
  }

  /** % of one core per watched group, plus `machine` (% of one core, all processes) over the window so far. */
  read(): Record<string, number> & { machine: number; wallMs: number } {
    const wallMs = performance.now() - this.t0;
    const out: Record<string, number> = {};
    for (const [k, ps] of Object.entries(this.pids)) out[k] = ((ps.reduce((s, p) => s + cpuMs(p), 0) - this.start.get(k)!) / wallMs) * 100;
    const m = machineJiffies();
    const cores = navigator.hardwareConcurrency || 1;
    const machine = ((m.busy - this.machine0.busy) / Math.max(1, m.total - this.machine0.total)) * 100 * cores;
    return Object.assign(out, { machine, wallMs });
  }
}

/** 1-minute load average. */
export function loadAverage(): number {
  return Number(readFileSync("/proc/loadavg", "utf8").split(" ")[0]);
}

/**
 * How late a 1 ms timer fires in this process, sampled until stop(): the scheduling delay any process on
 * this machine sees at the moment (a shared, loaded box shows it in the tail).
 */
export function timerLagProbe(): { stop(): number[] } {
  const lags: number[] = [];
  let running = true;
  const tick = () => {
    const t = performance.now();
    setTimeout(() => {
      if (lags.length < 100_000) lags.push(performance.now() - t - 1);
      if (running) tick();
    }, 1);
  };
  tick();
  return { stop: () => { running = false; return lags; } };
}

/** Machine-wide UDP counters (/proc/net/snmp): datagrams the kernel dropped for full receive buffers, and all receive errors. */
export function udpDrops(): { rcvbufErrors: number; inErrors: number } {
  const lines = readFileSync("/proc/net/snmp", "utf8").split("\n").filter((l) => l.startsWith("Udp:"));
  const names = lines[0]!.split(/\s+/);
  const values = lines[1]!.split(/\s+/).map(Number);
  return { rcvbufErrors: values[names.indexOf("RcvbufErrors")] ?? NaN, inErrors: values[names.indexOf("InErrors")] ?? NaN };
}
