/** One line naming the machine and date, for every benchmark report. */
import { cpus, totalmem } from "node:os";

export function machineLine(): string {
  const cpu = cpus()[0]?.model ?? "unknown CPU";
  return `Machine: ${cpus().length} cores (${cpu}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM, Bun ${Bun.version}; date ${new Date().toISOString().slice(0, 16)}Z`;
}
