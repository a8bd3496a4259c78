/**
 * sipp for the split benchmark: a copy of the shared scenarios with @PEERS@ filled in, a long-running
 * VoLTE caller (rtp_stream audio + the H.264 pcap replayed back to back), a call center that names the
 * agent from an injection file (one agent per call, in order), and bounded sipp processes.
 */
import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PEERS } from "../../support/peers.ts";

export const SIPP = Bun.which("sipp");
/** The pcap lasts 9.97 s; a new play_pcap_video stops the previous one, so plays are 10 s apart. */
export const PCAP_PLAY_MS = 10_000;

export function prepareScenarios(dir: string): void {
  cpSync(join(PEERS, "sipp"), dir, { recursive: true });
  for (const name of ["uac_av_media.xml", "uas_callcenter.xml"]) {
    const p = join(dir, name);
    writeFileSync(p, readFileSync(p, "utf8").replaceAll("@PEERS@", PEERS));
  }
}

/** uac_av_media.xml whose call lasts `plays` back-to-back plays of the video pcap (audio throughout), then BYE. */
export function longCallerScenario(dir: string, plays: number): string {
  const src = readFileSync(join(dir, "uac_av_media.xml"), "utf8");
  const play = `  <nop>\n    <action>\n      <exec play_pcap_video="${PEERS}/media/h264_rtp.pcap"/>\n    </action>\n  </nop>\n`;
  const pause = `  <pause milliseconds="${PCAP_PLAY_MS}"/>\n`;
  const body = src.replace(/<!-- call duration.*?-->\s*<pause\/>/s, (pause + play).repeat(plays - 1) + pause);
  if (body === src) throw new Error("uac_av_media.xml changed: cannot find its <pause/>");
  const file = join(dir, `uac_av_long_${plays}.xml`);
  writeFileSync(file, body);
  return file;
}

/** uas_callcenter.xml naming the agent of each call in X-Agent-Id, taken in order from `agents` (sipp -inf). */
export function callCenterScenario(dir: string, agents: string[], name: string): { scenario: string; injection: string } {
  const src = readFileSync(join(dir, "uas_callcenter.xml"), "utf8");
  const contact = "Contact: <sip:queue@[local_ip]:[local_port];transport=[transport]>";
  const scenario = join(dir, "uas_callcenter_agents.xml");
  writeFileSync(scenario, src.replaceAll(contact, `${contact}\n      X-Agent-Id: [field0]`));
  const injection = join(dir, `${name}.csv`);
  writeFileSync(injection, `SEQUENTIAL\n${agents.map((a) => `${a};\n`).join("")}`);
  return { scenario, injection };
}

export interface SippRun {
  pid: number;
  done: Promise<{ code: number; successful: number; failed: number; tail: string }>;
  kill(): void;
}

/** sipp bounded by -timeout and a hard kill; the final screen's successful/failed call counts. */
export function runSipp(dir: string, args: string[], timeoutS: number): SippRun {
  if (!SIPP) throw new Error("sipp is not installed");
  const proc = Bun.spawn([SIPP, ...args, "-nostdin", "-timeout", `${timeoutS}s`, "-timeout_error"], { cwd: dir, stdout: "pipe", stderr: "pipe", stdin: "ignore" });
  const hard = setTimeout(() => proc.kill(9), (timeoutS + 10) * 1000);
  const done = (async () => {
    const [out, err] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text()]);
    const code = await proc.exited;
    clearTimeout(hard);
    const count = (label: string) => Number(new RegExp(`${label}\\s*\\|\\s*\\d+\\s*\\|\\s*(\\d+)`).exec(out)?.[1] ?? NaN);
    return { code, successful: count("Successful call"), failed: count("Failed call"), tail: (out.slice(-1500) + err.slice(-1500)).trim() };
  })();
  return { pid: proc.pid, done, kill: () => proc.kill(9) };
}
