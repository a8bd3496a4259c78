/** Runs the avsplit CLI from source in a child process, as an operator would. */
const ROOT = `${import.meta.dir}/../..`;
export const BUN = process.execPath;

export interface CliResult { code: number; stdout: string; stderr: string }

export async function runCli(args: string[], opts: { stdin?: string; cwd?: string; env?: Record<string, string> } = {}): Promise<CliResult> {
  const proc = Bun.spawn([BUN, `${ROOT}/src/cli.ts`, ...args], {
    cwd: opts.cwd ?? ROOT,
    stdin: opts.stdin === undefined ? "ignore" : new TextEncoder().encode(opts.stdin),
    stdout: "pipe",
    stderr: "pipe",
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", ...opts.env },
  });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { code, stdout, stderr };
}
