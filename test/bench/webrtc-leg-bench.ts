/**
 * Browser-leg media path CPU per packet: AgentVideoLeg on werift's own RTP stack vs the lean path
 * (werift ICE+DTLS, src/media/srtp SRTP), same run, same load. This process holds the legs; a child
 * process holds the "browsers" (werift peers, test/interop/webrtc/support/werift-browser.ts), so the CPU
 * measured here (process.cpuUsage, all threads) is the legs' alone. Per path and direction: N legs,
 * 1200-byte RTP at a total rate, paced on a 2 ms timer, 1 s warm-up then a measured window.
 *
 * Usage: bun test/bench/webrtc-leg-bench.ts [--legs 20] [--pps 5000,10000,20000] [--seconds 5] [--write]
 * (--write puts the table into docs/bench/webrtc.md)
 */
import { readFileSync, writeFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { RtpPacket } from "../../src/media/rtp/index.ts";
import { AgentVideoLeg, type MediaPathName } from "../../src/webrtc/index.ts";
import { setLogLevel } from "../../src/observability/log.ts";
import { machineLine } from "./machine.ts";

setLogLevel("warn");
const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i++) {
  const a = process.argv[i]!;
  if (a.startsWith("--")) args.set(a.slice(2), process.argv[i + 1]?.startsWith("--") === false ? process.argv[++i]! : "1");
}
const LEGS = Number(args.get("legs") ?? 20);
const RATES = (args.get("pps") ?? "5000,10000,20000").split(",").map(Number);
const SECONDS = Number(args.get("seconds") ?? 5);
const WARMUP_MS = 1000;
const PAYLOAD = 1188;
const CALLER = "profile-level-id=42e01f;packetization-mode=1";

type Cmd =
  | { cmd: "offers"; n: number } | { cmd: "answers"; sdps: string[] } | { cmd: "send"; pps: number; ms: number }
  | { cmd: "count" } | { cmd: "close" };

/** Calls `tick(k)` every 2 ms with the number of packets due, for `ms`; resolves at the end. */
function paced(pps: number, ms: number, tick: (n: number) => void): Promise<void> {
  return new Promise((resolve) => {
    const start = performance.now();
    let due = 0;
    let sent = 0;
    const timer = setInterval(() => {
      const elapsed = performance.now() - start;
      due = Math.floor((Math.min(elapsed, ms) * pps) / 1000);
      if (due > sent) { tick(due - sent); sent = due; }
      if (elapsed >= ms) { clearInterval(timer); resolve(); }
    }, 2);
  });
}

/** utime + stime of a process from /proc (all threads), in µs. */
function cpuUs(pid: number | "self" = "self"): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1e6) / CLOCK_TICKS;
}
const CLOCK_TICKS = 100;

// ---------------------------------------------------------------- peer (child) side
async function runPeer(): Promise<void> {
  const { WeriftBrowser } = await import("../interop/webrtc/support/werift-browser.ts");
  const browsers: InstanceType<typeof WeriftBrowser>[] = [];
  /** Per-browser sequence numbers, continuous across commands (a restart would look like a replay). */
  const peerSeq: number[] = [];
  let received = 0;
  const reply = (o: unknown) => process.stdout.write(JSON.stringify(o) + "\n");
  for await (const line of createInterface({ input: process.stdin })) {
    const c = JSON.parse(line) as Cmd;
    if (c.cmd === "offers") {
      browsers.length = 0;
      const sdps: string[] = [];
      for (let i = 0; i < c.n; i++) {
        const b = new WeriftBrowser();
        browsers.push(b);
        sdps.push(await b.offer());
      }
      reply({ sdps });
    } else if (c.cmd === "answers") {
      await Promise.all(browsers.map((b, i) => b.accept(c.sdps[i]!)));
      await Promise.all(browsers.map((b) => b.connected()));
      for (const b of browsers) {
        b.transceiver.receiver.track.onReceiveRtp.subscribe(() => { received++; });
      }
      reply({ ok: true });
    } else if (c.cmd === "send") {
      const bufs = browsers.map((_, i) => new RtpPacket({ payloadType: 96, ssrc: i + 1 }, new Uint8Array(PAYLOAD)).serialize());
      let rr = 0;
      let sent = 0;
      await paced(c.pps, c.ms, (n) => {
        sent += n;
        for (let k = 0; k < n; k++) {
          const i = rr++ % browsers.length;
          const buf = Buffer.from(bufs[i]!);
          buf.writeUInt16BE(peerSeq[i] = ((peerSeq[i] ?? 0) + 1) & 0xffff, 2);
          void browsers[i]!.transceiver.sender.sendRtp(buf);
        }
      });
      reply({ sent });
    } else if (c.cmd === "count") {
      reply({ received });
      received = 0;
    } else if (c.cmd === "close") {
      await Promise.all(browsers.map((b) => b.close()));
      reply({ ok: true });
      process.exit(0);
    }
  }
}

// ---------------------------------------------------------------- leg (measured) side
class Peer {
  readonly proc = Bun.spawn([process.execPath, import.meta.path, "--peer"], { stdin: "pipe", stdout: "pipe", stderr: "inherit" });
  private readonly lines: AsyncIterator<string>;
  constructor() {
    const decoder = new TextDecoder();
    const stream = this.proc.stdout as unknown as AsyncIterable<Uint8Array>;
    this.lines = (async function* () {
      let buf = "";
      for await (const chunk of stream) {
        buf += decoder.decode(chunk);
        let nl;
        while ((nl = buf.indexOf("\n")) >= 0) { yield buf.slice(0, nl); buf = buf.slice(nl + 1); }
      }
    })();
  }
  async call<T>(c: Cmd): Promise<T> {
    this.proc.stdin.write(JSON.stringify(c) + "\n");
    this.proc.stdin.flush();
    const r = await this.lines.next();
    if (r.done) throw new Error("peer process ended");
    return JSON.parse(r.value) as T;
  }
  get pid(): number { return this.proc.pid; }
}

interface Row {
  path: MediaPathName; direction: "send" | "receive"; pps: number;
  /** Packets per second the legs handled (send: handed to sendRtp; receive: reached the rtp event). */
  handledPps: number;
  lossPct: number; legCpuPct: number; usPerPacket: number; peerCpuPct: number;
}

async function measurePath(peer: Peer, path: MediaPathName): Promise<{ rows: Row[]; idlePct: number }> {
  const { sdps: offers } = await peer.call<{ sdps: string[] }>({ cmd: "offers", n: LEGS });
  const legs = offers.map(() => new AgentVideoLeg({ callerH264Fmtp: CALLER, mediaPath: path, recvBufferBytes: 4 << 20 }));
  const answers = await Promise.all(legs.map((leg, i) => leg.acceptOffer(offers[i]!)));
  await peer.call({ cmd: "answers", sdps: answers });
  let received = 0;
  for (const leg of legs) leg.on("rtp", () => { received++; });
  const rows: Row[] = [];

  const idleStart = cpuUs();
  await paced(0, 2000, () => undefined);
  const idlePct = (cpuUs() - idleStart) / 2000 / 10;

  const packet = new RtpPacket({ payloadType: 97, ssrc: 0x1111 }, new Uint8Array(PAYLOAD)).serialize();
  const seqs = legs.map(() => 0);
  let rr = 0;
  let handed = 0;
  const sendTick = (n: number) => {
    for (let k = 0; k < n; k++) {
      const i = rr++ % legs.length;
      const seq = seqs[i] = (seqs[i]! + 1) & 0xffff;
      packet[2] = seq >> 8; packet[3] = seq & 0xff;
      legs[i]!.sendRtp(packet);
      handed++;
    }
  };
  const window = async (direction: Row["direction"], pps: number, run: () => Promise<number>): Promise<void> => {
    const [c0, p0, t0] = [cpuUs(), cpuUs(peer.pid), performance.now()];
    handed = 0;
    received = 0;
    const expected = await run();
    const [c1, p1, wall] = [cpuUs(), cpuUs(peer.pid), performance.now() - t0];
    const handled = direction === "send" ? handed : received;
    const delivered = direction === "send" ? (await peer.call<{ received: number }>({ cmd: "count" })).received : received;
    rows.push({
      path, direction, pps, handledPps: Math.round((handled * 1000) / wall),
      lossPct: Math.max(0, (1 - delivered / expected) * 100),
      legCpuPct: (c1 - c0) / wall / 10, usPerPacket: handled > 0 ? (c1 - c0) / handled : NaN, peerCpuPct: (p1 - p0) / wall / 10,
    });
  };
  for (const pps of RATES) {
    // send: caller RTP -> legs -> browsers
    await paced(pps, WARMUP_MS, sendTick);
    await Bun.sleep(200);
    await peer.call({ cmd: "count" });
    await window("send", pps, async () => {
      await paced(pps, SECONDS * 1000, sendTick);
      await Bun.sleep(200); // drain: the peer counts what arrived
      return handed;
    });
    // receive: browsers -> legs
    await peer.call({ cmd: "send", pps, ms: WARMUP_MS });
    await window("receive", pps, async () => {
      const { sent } = await peer.call<{ sent: number }>({ cmd: "send", pps, ms: SECONDS * 1000 });
      await Bun.sleep(200);
      return sent;
    });
  }
  for (const leg of legs) leg.close();
  return { rows, idlePct };
}

async function main(): Promise<void> {
  const peer = new Peer();
  const results: Row[] = [];
  const idle: string[] = [];
  for (const path of ["werift", "lean"] as const) {
    const r = await measurePath(peer, path);
    results.push(...r.rows);
    idle.push(`${path}: ${r.idlePct.toFixed(1)}% CPU idle with ${LEGS} connected legs`);
  }
  await peer.call({ cmd: "close" });
  const lines = [
    machineLine(),
    `Legs: ${LEGS}; RTP 1200 bytes (12 + ${PAYLOAD}); ${SECONDS} s measured per row after 1 s warm-up; paced on a 2 ms timer; leg CPU = this process from /proc (legs only: the werift browsers run in a child process, whose CPU is the last column); the CPU window includes a 200 ms drain, so µs/packet is a slight overestimate.`,
    "",
    "| path | direction | target pps | handled pps | loss % | leg CPU % | µs CPU / packet (leg) | peer CPU % |",
    "|---|---|---|---|---|---|---|---|",
    ...results.map((r) => `| ${r.path} | ${r.direction} | ${r.pps} | ${r.handledPps} | ${r.lossPct.toFixed(2)} | ${r.legCpuPct.toFixed(1)} | ${r.usPerPacket.toFixed(1)} | ${r.peerCpuPct.toFixed(1)} |`),
    "",
    ...idle.map((l) => `- ${l}`),
  ];
  const table = lines.join("\n");
  console.log(table);
  if (args.has("write")) writeFileSync(`${import.meta.dir}/../../docs/bench/webrtc-leg-table.md`, table + "\n");
  process.exit(0);
}

if (args.has("peer")) await runPeer(); else await main();
