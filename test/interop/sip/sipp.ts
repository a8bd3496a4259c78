/** Helpers for the sipp interop tests: scenario copies, free ports, bounded sipp runs, a SIP stack on port 0. */
import { mkdtempSync, cpSync, readdirSync, readFileSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createSocket } from "node:dgram";
import { createServer } from "node:net";
import { SipStack, type SipStackOptions } from "../../../src/sip/index.ts";
import type { TypedEmitter } from "../../../src/util/typed-emitter.ts";

export { PEERS } from "../../support/peers.ts";
import { PEERS } from "../../support/peers.ts";
export const SIPP = Bun.which("sipp");

/** A private copy of the shared sipp scenarios plus ours, with @PEERS@ substituted. */
export function scenarioDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), "avsplit-sipp-"));
  cpSync(join(PEERS, "sipp"), dir, { recursive: true });
  cpSync(join(import.meta.dir, "scenarios"), dir, { recursive: true });
  for (const f of readdirSync(dir)) {
    if (!f.endsWith(".xml")) continue;
    const p = join(dir, f);
    writeFileSync(p, readFileSync(p, "utf8").replaceAll("@PEERS@", PEERS));
  }
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

async function portFree(port: number): Promise<boolean> {
  const udp = await new Promise<boolean>((resolve) => {
    const s = createSocket("udp4");
    s.once("error", () => resolve(false));
    s.bind(port, "127.0.0.1", () => s.close(() => resolve(true)));
  });
  if (!udp) return false;
  return new Promise<boolean>((resolve) => {
    const srv = createServer();
    srv.once("error", () => resolve(false));
    srv.listen(port, "127.0.0.1", () => srv.close(() => resolve(true)));
  });
}

/** `count` consecutive free UDP+TCP ports from a random range (sipp needs fixed ports; media uses +2). */
export async function freePorts(count: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20000 + 2 * Math.floor(Math.random() * 18000);
    let ok = true;
    for (let i = 0; i < count && ok; i++) ok = await portFree(base + i);
    if (ok) return base;
  }
  throw new Error("no free ports");
}

export interface SippResult { code: number; stdout: string; stderr: string; logs: string }

/** Runs sipp (bounded by -timeout and a hard kill) and returns its exit code and any trace logs. */
export async function runSipp(dir: string, args: string[], timeoutS = 30): Promise<SippResult> {
  if (!SIPP) throw new Error("sipp not installed");
  const proc = Bun.spawn([SIPP, ...args, "-nostdin", "-timeout", `${timeoutS}s`, "-timeout_error", "-trace_err", "-trace_msg"], {
    cwd: dir, stdout: "pipe", stderr: "pipe", stdin: "ignore",
  });
  const kill = setTimeout(() => proc.kill(9), (timeoutS + 10) * 1000);
  const [stdout, stderr] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text()]);
  const code = await proc.exited;
  clearTimeout(kill);
  let logs = "";
  const keep = code !== 0 || process.env.SIPP_KEEP_LOGS === "1";
  for (const f of readdirSync(dir)) if (f.endsWith("_errors.log") || (keep && f.endsWith("_messages.log"))) logs += `--- ${f}\n${readFileSync(join(dir, f), "utf8").slice(-6000)}\n`;
  return { code, stdout: stdout.slice(-3000), stderr: stderr.slice(-3000), logs };
}

/** Starts sipp without waiting; `done` resolves like runSipp. */
export function startSipp(dir: string, args: string[], timeoutS = 30): { done: Promise<SippResult> } {
  return { done: runSipp(dir, args, timeoutS) };
}

export async function startStack(opts: Partial<SipStackOptions> = {}): Promise<SipStack> {
  return SipStack.start({ listen: ["udp:127.0.0.1:0", "tcp:127.0.0.1:0"], ua: { userAgent: "avsplit-test" }, ...opts });
}

export function portOf(stack: SipStack, transport: "udp" | "tcp"): number {
  return stack.transport.localEndpoint(transport).port;
}

/** Resolves with the first emission of `event` or rejects after ms. */
export function waitFor<E extends { [K in keyof E]: unknown[] }, K extends keyof E & string>(
  emitter: TypedEmitter<E>, event: K, ms = 15_000,
): Promise<E[K]> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`timeout waiting for ${event}`)), ms);
    emitter.once(event, ((...args: E[K]) => { clearTimeout(t); resolve(args); }) as never);
  });
}

/** A minimal audio+video answer on the given ports. */
export function answerSdp(audioPort: number, video: boolean, videoPort = audioPort + 2): string {
  const lines = [
    "v=0", "o=avsplit 1 1 IN IP4 127.0.0.1", "s=-", "c=IN IP4 127.0.0.1", "t=0 0",
    `m=audio ${audioPort} RTP/AVP 0 101`, "a=rtpmap:0 PCMU/8000", "a=rtpmap:101 telephone-event/8000", "a=sendrecv",
  ];
  if (video) lines.push(`m=video ${videoPort} RTP/AVP 97`, "a=rtpmap:97 H264/90000", "a=fmtp:97 profile-level-id=42e01f;packetization-mode=1", "a=sendrecv");
  return lines.join("\r\n") + "\r\n";
}

/** Resolves once something is bound to 127.0.0.1:port (sipp started listening). */
export async function waitForPort(port: number, transport: "udp" | "tcp", ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (!(await portBound(port, transport))) {
      await Bun.sleep(20);
      continue;
    }
    return;
  }
  throw new Error(`nothing listens on ${transport}:${port}`);
}

async function portBound(port: number, transport: "udp" | "tcp"): Promise<boolean> {
  if (transport === "tcp") {
    return new Promise((resolve) => {
      const s = Bun.connect({ hostname: "127.0.0.1", port, socket: { data() {}, open(sock) { sock.end(); resolve(true); }, connectError() { resolve(false); } } })
        .catch(() => resolve(false));
      void s;
    });
  }
  return new Promise<boolean>((resolve) => {
    const s = createSocket("udp4");
    s.once("error", () => resolve(true));
    s.bind(port, "127.0.0.1", () => s.close(() => resolve(false)));
  });
}

/** Sum of sipp's "Lost" column (messages sipp dropped on purpose with -lost), from its final screen. */
export function lostCount(stdout: string): number {
  let total = 0;
  for (const line of stdout.split("\n")) {
    const tokens = line.trim().split(/\s+/);
    const arrow = tokens.findIndex((t) => /^(-+>|<-+)$/.test(t));
    if (arrow < 0) continue;
    const numbers = tokens.slice(arrow === 0 ? 2 : arrow + 1).filter((t) => /^\d+$/.test(t));
    if (numbers.length >= 5) total += Number(numbers[4]);
  }
  return total;
}
