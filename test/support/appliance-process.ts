/** Starts an avsplit process (source or compiled binary) and waits for its "ready" log line. */
import type { Subprocess } from "bun";

export interface RunningAppliance {
  proc: Subprocess<"ignore", "pipe", "pipe">;
  logs: string[];
  /** Resolves with the exit code after SIGTERM. */
  terminate(): Promise<number>;
}

export async function startAppliance(cmd: string[], opts: { cwd: string; timeoutMs?: number }): Promise<RunningAppliance> {
  const proc = Bun.spawn(cmd, { cwd: opts.cwd, stdin: "ignore", stdout: "pipe", stderr: "pipe", env: { PATH: process.env.PATH ?? "" } });
  const logs: string[] = [];
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`appliance not ready within ${opts.timeoutMs ?? 15000} ms:\n${logs.join("\n")}`)), opts.timeoutMs ?? 15000);
    (async () => {
      const decoder = new TextDecoder();
      let pending = "";
      for await (const chunk of proc.stderr as unknown as AsyncIterable<Uint8Array>) {
        pending += decoder.decode(chunk, { stream: true });
        let nl: number;
        while ((nl = pending.indexOf("\n")) >= 0) {
          const line = pending.slice(0, nl);
          pending = pending.slice(nl + 1);
          logs.push(line);
          if (line.includes('"msg":"avsplit ready"')) { clearTimeout(timer); resolve(); }
        }
      }
      clearTimeout(timer);
      reject(new Error(`appliance exited before ready (code ${await proc.exited}):\n${logs.join("\n")}`));
    })();
  });
  await ready;
  return {
    proc,
    logs,
    terminate() {
      proc.kill("SIGTERM");
      return proc.exited;
    },
  };
}
