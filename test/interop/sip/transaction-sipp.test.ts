/**
 * sipp UAC -> minimal UAS on our transport + transaction layers. With `-lost 10` sipp drops 10 % of the
 * messages; every call must still complete thanks to retransmissions (sipp's INVITE/BYE, our 2xx and BYE 200).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import dgram from "node:dgram";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startMinimalUas } from "./minimal-uas.ts";
import { MinimalUac } from "./minimal-uac.ts";

const SIPP = Bun.which("sipp");
import { PEERS } from "../../support/peers.ts";
let dir = "";

beforeAll(() => {
  if (!SIPP) return;
  dir = mkdtempSync(join(tmpdir(), "sipp-tx-"));
  cpSync(`${PEERS}/sipp`, dir, { recursive: true });
  // sipp limits, not ours, so these messages are never "lost": it ignores a BYE retransmission once its call is
  // over (200 to BYE), it aborts a call on a BYE that arrives while it waits for an ACK it dropped itself (ACK),
  // and on an INVITE retransmission that arrives while it waits for the ACK (180: keeps us from retransmitting
  // when its 200 was lost too).
  const uas = readFileSync(join(dir, "uas_av.xml"), "utf8");
  writeFileSync(join(dir, "uas_av_lossy.xml"), uas
    .replace(/(<label id="bye"\/>\s*<send)>/, '$1 lost="0">')
    .replace(/<send>(\s*<!\[CDATA\[\s*SIP\/2\.0 180 Ringing)/, '<send lost="0">$1')
    .replace('<recv request="ACK" rtd="true" crlf="true"/>', '<recv request="ACK" rtd="true" crlf="true" lost="0"/>'));
});
afterAll(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

/**
 * Runs sipp; `args` is rebuilt per attempt so ports are picked fresh: a port taken between our probe and sipp's
 * bind (other test files run in parallel) just means another attempt.
 */
function startSipp(args: () => Promise<string[]>, timeoutMs: number): { done: Promise<{ code: number; out: string }>; kill(): void } {
  let proc: ReturnType<typeof Bun.spawn> | undefined;
  const once = async () => {
    proc = Bun.spawn([SIPP!, ...(await args()), "-trace_err"], { cwd: dir, stdout: "pipe", stderr: "pipe" });
    const timer = setTimeout(() => proc?.kill(), timeoutMs);
    const [out, err] = await Promise.all([new Response(proc.stdout as ReadableStream).text(), new Response(proc.stderr as ReadableStream).text()]);
    const code = await proc.exited;
    clearTimeout(timer);
    return { code, out: out + err };
  };
  const done = (async () => {
    let result = await once();
    for (let attempt = 1; attempt < 3 && result.out.includes("Unable to bind"); attempt++) result = await once();
    const errLog = readdirSync(dir).filter((f) => f.endsWith("_errors.log")).map((f) => readFileSync(join(dir, f), "utf8")).join("");
    return { code: result.code, out: result.out + errLog.slice(-2000) };
  })();
  return { done, kill: () => proc?.kill() };
}

/** Sum of sipp's "Lost" column in the -trace_screen log: proof the loss really happened. */
function lostMessages(scenario: string): number {
  const log = readdirSync(dir).find((f) => f.startsWith(`${scenario}_`) && f.endsWith("_screen.log"));
  if (!log) return 0;
  const lines = readFileSync(join(dir, log), "utf8").split("Statistics Screen")[0].split("\n");
  const column = lines.find((l) => l.includes("Retrans") && l.includes("Lost"))?.indexOf("Lost") ?? -1;
  if (column < 0) return 0;
  let lost = 0;
  for (const line of lines) {
    if (/-{3,}>|<-{3,}/.test(line)) lost += Number.parseInt(line.slice(column - 2).trim() || "0", 10) || 0;
  }
  return lost;
}

/** A currently free UDP port on 127.0.0.1 (sipp binds it right after; see startSipp for the race). */
async function freePort(): Promise<string> {
  const probe = dgram.createSocket("udp4");
  await new Promise<void>((resolve) => probe.bind(0, "127.0.0.1", resolve));
  const port = probe.address().port;
  probe.close();
  return String(port);
}

describe.skipIf(!SIPP)("transaction layer vs sipp", () => {
  for (const transport of ["udp", "tcp"] as const) {
    const lossy = transport === "udp";
    test(`sipp uac_av -> minimal UAS over ${transport}${lossy ? " with -lost 10: every call completes" : ""}`, async () => {
      const uas = await startMinimalUas(`${transport}:127.0.0.1:0`);
      try {
        const calls = 30;
        const { code, out } = await startSipp(async () => [
          "-sf", "uac_av.xml", "-s", "b", "-i", "127.0.0.1", "-p", await freePort(), "-t", transport === "udp" ? "u1" : "t1",
          "-mi", "127.0.0.1", "-mp", await freePort(), `127.0.0.1:${uas.transport.bound[0].port}`,
          "-m", String(calls), "-r", "10", "-d", "0", "-nostdin", "-timeout", "50s", "-timeout_error",
          ...(lossy ? ["-lost", "10", "-trace_screen"] : []),
        ], 55_000).done;
        if (code !== 0) console.log(out.slice(-3000));
        expect(code).toBe(0);
        expect(uas.stats.invites).toBe(calls);
        // with loss, sipp may take our 2xx retransmission (ACK lost) for the 200 to its BYE: it does not check CSeq
        if (!lossy) expect(uas.stats.byes).toBe(calls);
        if (lossy) expect(lostMessages("uac_av")).toBeGreaterThan(0);
      } finally {
        await uas.close();
      }
    }, 60_000);
  }

  test("sipp uac_audio_cancel -> minimal UAS that rings: 200 to every CANCEL, 487 to the INVITE, ACK absorbed", async () => {
    const uas = await startMinimalUas("udp:127.0.0.1:0", 5_000);
    try {
      const calls = 10;
      const { code, out } = await startSipp(async () => [
        "-sf", "uac_audio_cancel.xml", "-s", "queue", "-i", "127.0.0.1", "-p", await freePort(), "-mi", "127.0.0.1",
        "-mp", await freePort(), `127.0.0.1:${uas.transport.bound[0].port}`, "-m", String(calls), "-r", "10",
        "-nostdin", "-timeout", "30s", "-timeout_error",
      ], 35_000).done;
      if (code !== 0) console.log(out.slice(-3000));
      expect(code).toBe(0);
      expect(uas.stats.cancelled).toBe(calls);
      expect(uas.stats.acks).toBe(0);          // the ACK for the 487 stays inside the INVITE server transaction
    } finally {
      await uas.close();
    }
  }, 40_000);

  test("minimal UAC -> sipp uas_av with -lost 10: INVITE/BYE retransmissions and re-ACKs complete every call", async () => {
    const uac = await MinimalUac.start("udp:127.0.0.1:0");
    const port = await freePort();        // fixed: the UAC below targets it
    const calls = 30;
    const sipp = startSipp(async () => [
      "-sf", "uas_av_lossy.xml", "-i", "127.0.0.1", "-p", port, "-mi", "127.0.0.1", "-mp", await freePort(),
      "-m", String(calls), "-lost", "10", "-trace_screen", "-nostdin", "-timeout", "50s", "-timeout_error",
    ], 55_000);
    try {
      // no wait for sipp to bind: an INVITE sent too early is simply retransmitted (Timer A)
      const dest = { transport: "udp" as const, host: "127.0.0.1", port: Number(port) };
      const outcomes = await Promise.all(Array.from({ length: calls }, async (_, i) => {
        await Bun.sleep(i * 20);       // pacing: 50 calls/s
        return uac.call(dest);
      }));
      const failed = outcomes.filter((o) => o !== "completed");
      if (failed.length > 0) sipp.kill();
      const { code, out } = await sipp.done;
      if (code !== 0) console.log(out.slice(-3000));
      expect(failed).toEqual([]);
      expect(code).toBe(0);
      expect(lostMessages("uas_av_lossy")).toBeGreaterThan(0);
    } finally {
      await uac.close();
    }
  }, 60_000);
});
