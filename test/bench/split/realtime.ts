/**
 * Real-time scheduling (SCHED_FIFO) for the processes of one measurement, every thread of each (`chrt -a`), so the
 * other processes of a shared box cannot delay them: what is left is the measured processes' own work. Needs root
 * or CAP_SYS_NICE; returns null (and changes nothing) without.
 */
import { spawnSync } from "node:child_process";

const chrt = (args: string[]) => spawnSync("chrt", args, { stdio: "ignore" }).status === 0;

export async function withRealtimePriority<T>(pids: number[], measure: () => Promise<T>): Promise<T | null> {
  const raised = pids.filter((pid) => chrt(["-a", "-f", "-p", "10", String(pid)]));
  try {
    return raised.length === pids.length ? await measure() : null;
  } finally {
    for (const pid of raised) chrt(["-a", "-o", "-p", "0", String(pid)]);
  }
}
