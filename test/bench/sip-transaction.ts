/**
 * Transaction-layer throughput: (1) in process, INVITE/ACK/BYE parsed and run through the transaction layer with
 * an in-memory transport; (2) sipp uac_av -> minimal UAS (transport + transaction layers only) over UDP loopback.
 * Run: bun test/bench/sip-transaction.ts [rates...]   (default rates: 500 1000 1500 2000)
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createResponse, generateTag, parseMessage, type SipMessage } from "../../src/sip/message/index.ts";
import { TransactionLayer, type TransactionTransport } from "../../src/sip/transaction/index.ts";
import { type InboundMessage, stampReceived } from "../../src/sip/transport/index.ts";
import { TypedEmitter } from "../../src/util/typed-emitter.ts";
import { startMinimalUas } from "../interop/sip/minimal-uas.ts";
import { PEERS } from "../support/peers.ts";

class NullTransport extends TypedEmitter<{ message: [InboundMessage] }> implements TransactionTransport {
  send(m: SipMessage) { m.serialize(); return Promise.resolve(); }
  sendResponse(m: SipMessage) { m.serialize(); return Promise.resolve(); }
  localEndpoint() { return { transport: "udp" as const, host: "127.0.0.1", port: 5060 }; }
  isReliable() { return false; }
  deliver(m: InboundMessage) { this.emit("message", m); }
}

function inProcess(calls: number): number {
  const transport = new NullTransport();
  const layer = new TransactionLayer({ transport });
  layer.on("request", (req, tx) => {
    const tag = generateTag();
    if (req.method === "INVITE") tx.respond(createResponse(req, 180, "Ringing", tag));
    tx.respond(createResponse(req, 200, "OK", tag));
  });
  const remote = { transport: "udp" as const, host: "127.0.0.1", port: 5090 };
  const enc = new TextEncoder();
  const msg = (method: string, i: number, cseq: string, branch: string) => enc.encode(
    `${method} sip:b@127.0.0.1:5070 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5090;branch=z9hG4bK-${i}-${branch}\r\n` +
    `From: "VoLTE caller" <sip:+33600000001@127.0.0.1:5090>;tag=${i}SIPpTag09\r\nTo: <sip:b@127.0.0.1:5070>` +
    `${method === "INVITE" ? "" : ";tag=x"}\r\nCall-ID: ${i}-bench@127.0.0.1\r\nCSeq: ${cseq}\r\n` +
    `Contact: <sip:+33600000001@127.0.0.1:5090>\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n`);
  const start = performance.now();
  for (let i = 0; i < calls; i++) {
    for (const data of [msg("INVITE", i, "1 INVITE", "1"), msg("ACK", i, "1 ACK", "2"), msg("BYE", i, "2 BYE", "3")]) {
      const m = parseMessage(data);
      if ("method" in m) stampReceived(m, remote);
      transport.deliver({ message: m, remote, local: remote });
    }
  }
  const cps = calls / ((performance.now() - start) / 1000);
  layer.close();
  return cps;
}

async function viaSipp(rate: number, seconds: number) {
  const dir = mkdtempSync(join(tmpdir(), "sipp-bench-"));
  cpSync(`${PEERS}/sipp`, dir, { recursive: true });
  const uas = await startMinimalUas("udp:127.0.0.1:0");
  const calls = rate * seconds;
  const cpu0 = process.cpuUsage();
  const port = 40_000 + Math.floor(Math.random() * 9_000) * 2;
  const proc = Bun.spawn(["sipp", "-sf", "uac_av.xml", "-s", "b", "-i", "127.0.0.1", "-p", String(port), "-mi", "127.0.0.1",
    "-mp", String(port + 1000), `127.0.0.1:${uas.transport.bound[0].port}`, "-m", String(calls), "-r", String(rate),
    "-d", "0", "-nostdin", "-trace_screen", "-timeout", `${seconds * 3 + 10}s`], { cwd: dir, stdout: "ignore", stderr: "ignore" });
  await proc.exited;
  const cpu = process.cpuUsage(cpu0);
  await uas.close();
  const log = readdirSync(dir).find((f) => f.endsWith("_screen.log"));
  const screen = log ? readFileSync(join(dir, log), "utf8") : "";
  rmSync(dir, { recursive: true, force: true });
  const num = (re: RegExp) => Number(re.exec(screen)?.[1] ?? NaN);
  return {
    rate, calls,
    achieved: num(/Call Rate\s+\|[^|]+\|\s+([\d.]+) cps/),
    ok: num(/Successful call\s+\|[^|]+\|\s+(\d+)/),
    failed: num(/Failed call\s+\|[^|]+\|\s+(\d+)/),
    retransInvite: num(/INVITE ---------->\s+\d+\s+(\d+)/),
    retransBye: num(/BYE ---------->\s+\d+\s+(\d+)/),
    cpuUsPerCall: (cpu.user + cpu.system) / calls,
  };
}

const rates = process.argv.slice(2).map(Number).filter((n) => n > 0);
inProcess(5000);   // warm-up
console.log("| in-process (parse + transaction layer + responses) | calls/s |\n|---|---|");
console.log(`| INVITE/180/200/ACK/BYE/200, 50k calls | ${inProcess(50_000).toFixed(0)} |\n`);
if (Bun.which("sipp")) {
  console.log("| sipp -r | calls | achieved cps | ok / failed | retrans INVITE / BYE | UAS CPU µs/call |\n|---|---|---|---|---|---|");
  for (const rate of rates.length ? rates : [500, 1000, 1500, 2000]) {
    const r = await viaSipp(rate, 8);
    if (Number.isNaN(r.achieved)) { console.log(`| ${rate} | ${r.calls} | sipp did not run (port in use?) | | | |`); continue; }
    console.log(`| ${r.rate} | ${r.calls} | ${r.achieved.toFixed(0)} | ${r.ok} / ${r.failed} | ${r.retransInvite} / ${r.retransBye} | ${r.cpuUsPerCall.toFixed(0)} |`);
  }
}
