/**
 * Browser-leg media path CPU per packet: AgentVideoLeg on werift's own RTP stack vs the lean path
 * (werift ICE+DTLS, src/media/srtp SRTP), same run, same load. This process holds the legs; a child
 * process holds the "browsers" (werift peers, test/interop/webrtc/support/werift-browser.ts), so the CPU
 * measured here (process.cpuUsage, all threads) is the legs' alone. Per path and direction: N legs,
 * 1200-byte RTP at a total rate, paced on a 2 ms timer, 1 s warm-up then a measured window.
 *
 * Usage: bun test/bench/webrtc-leg-bench.ts [--legs 20] [--pps 5000,10000,20000] [--seconds 5] [--paths werift,lean]
 * (results with their context: docs/bench/webrtc.md)
 */
import { readFileSync } from "node:fs";
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
const PATHS = (args.get("paths") ?? "werift,lean").split(",") as MediaPathName[];
const WARMUP_MS = 1000;
const PAYLOAD = 1188;
const CALLER = "profile-level-id=42e01f;packetization-mode=1";

/** Commands to the peer process; `group` = the browsers facing one path's legs. */
type Cmd =
  | { cmd: "offers"; n: number } | { cmd: "answers"; group: number; sdps: string[] }
  | { cmd: "send"; group: number; pps: number; ms: number } | { cmd: "count"; group: number } | { cmd: "close" };

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
  const groups: InstanceType<typeof WeriftBrowser>[][] = [];
  const received: number[] = [];
  /** Per-browser sequence numbers, continuous across commands (a restart would look like a replay). */
  const seqs = new Map<InstanceType<typeof WeriftBrowser>, number>();
  const reply = (o: unknown) => process.stdout.write(JSON.stringify(o) + "\n");
  for await (const line of createInterface({ input: process.stdin })) {
    const c = JSON.parse(line) as Cmd;
    if (c.cmd === "offers") {
      const group: InstanceType<typeof WeriftBrowser>[] = [];
      const sdps: string[] = [];
      for (let i = 0; i < c.n; i++) {
        const b = new WeriftBrowser();
        group.push(b);
        sdps.push(await b.offer());
      }
      groups.push(group);
      received.push(0);
      reply({ group: groups.length - 1, sdps });
    } else if (c.cmd === "answers") {
      const group = groups[c.group]!;
      await Promise.all(group.map((b, i) => b.accept(c.sdps[i]!)));
      await Promise.all(group.map((b) => b.connected()));
      for (const b of group) b.transceiver.receiver.track.onReceiveRtp.subscribe(() => { received[c.group]!++; });
      reply({ ok: true });
    } else if (c.cmd === "send") {
      const group = groups[c.group]!;
      const template = new RtpPacket({ payloadType: 96, ssrc: 1 }, new Uint8Array(PAYLOAD)).serialize();
      let rr = 0;
      let sent = 0;
      await paced(c.pps, c.ms, (n) => {
        sent += n;
        for (let k = 0; k < n; k++) {
          const b = group[rr++ % group.length]!;
          const seq = ((seqs.get(b) ?? 0) + 1) & 0xffff;
          seqs.set(b, seq);
          const buf = Buffer.from(template);
          buf.writeUInt16BE(seq, 2);
          void b.transceiver.sender.sendRtp(buf);
        }
      });
      reply({ sent });
    } else if (c.cmd === "count") {
      reply({ received: received[c.group] });
      received[c.group] = 0;
    } else if (c.cmd === "close") {
      await Promise.all(groups.flat().map((b) => b.close()));
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

/** One path's legs, facing one group of browsers in the peer process. */
class LegGroup {
  received = 0;
  handed = 0;
  private rr = 0;
  private readonly seqs: number[];
  private readonly packet = new RtpPacket({ payloadType: 97, ssrc: 0x1111 }, new Uint8Array(PAYLOAD)).serialize();

  private constructor(readonly path: MediaPathName, readonly group: number, readonly legs: AgentVideoLeg[]) {
    this.seqs = legs.map(() => 0);
    for (const leg of legs) leg.on("rtp", () => { this.received++; });
  }

  static async open(peer: Peer, path: MediaPathName): Promise<LegGroup> {
    const { group, sdps } = await peer.call<{ group: number; sdps: string[] }>({ cmd: "offers", n: LEGS });
    const legs = sdps.map(() => new AgentVideoLeg({ callerH264Fmtp: CALLER, mediaPath: path, recvBufferBytes: 4 << 20 }));
    const answers = await Promise.all(legs.map((leg, i) => leg.acceptOffer(sdps[i]!)));
    await peer.call({ cmd: "answers", group, sdps: answers });
    return new LegGroup(path, group, legs);
  }

  /** Hands `n` caller packets to the legs, round-robin, each leg with its own continuous sequence numbers. */
  readonly send = (n: number): void => {
    for (let k = 0; k < n; k++) {
      const i = this.rr++ % this.legs.length;
      const seq = this.seqs[i] = (this.seqs[i]! + 1) & 0xffff;
      this.packet[2] = seq >> 8; this.packet[3] = seq & 0xff;
      this.legs[i]!.sendRtp(this.packet);
      this.handed++;
    }
  };

  close(): void { for (const leg of this.legs) leg.close(); }
}

async function measure(peer: Peer, g: LegGroup, direction: Row["direction"], pps: number): Promise<Row> {
  if (direction === "send") {
    await paced(pps, WARMUP_MS, g.send);
    await Bun.sleep(200);
    await peer.call({ cmd: "count", group: g.group });
  } else {
    await peer.call({ cmd: "send", group: g.group, pps, ms: WARMUP_MS });
    await Bun.sleep(200);
  }
  g.handed = 0;
  g.received = 0;
  const [c0, p0, t0] = [cpuUs(), cpuUs(peer.pid), performance.now()];
  let expected: number;
  if (direction === "send") {
    await paced(pps, SECONDS * 1000, g.send);
    expected = g.handed;
  } else {
    expected = (await peer.call<{ sent: number }>({ cmd: "send", group: g.group, pps, ms: SECONDS * 1000 })).sent;
  }
  await Bun.sleep(200); // drain
  const [c1, p1, wall] = [cpuUs(), cpuUs(peer.pid), performance.now() - t0];
  const handled = direction === "send" ? g.handed : g.received;
  const delivered = direction === "send" ? (await peer.call<{ received: number }>({ cmd: "count", group: g.group })).received : g.received;
  return {
    path: g.path, direction, pps, handledPps: Math.round((handled * 1000) / wall),
    lossPct: Math.max(0, (1 - delivered / expected) * 100),
    legCpuPct: (c1 - c0) / wall / 10, usPerPacket: handled > 0 ? (c1 - c0) / handled : NaN, peerCpuPct: (p1 - p0) / wall / 10,
  };
}

async function idleCpuPct(): Promise<number> {
  const start = cpuUs();
  await paced(0, 2000, () => undefined);
  return (cpuUs() - start) / 2000 / 10;
}

async function main(): Promise<void> {
  const peer = new Peer();
  const groups: LegGroup[] = [];
  for (const path of PATHS) groups.push(await LegGroup.open(peer, path));
  const idle = await idleCpuPct();
  // Paths take turns at each rate and direction, so that load from other jobs on the box hits them alike.
  const rows: Row[] = [];
  for (const pps of RATES) {
    for (const direction of ["send", "receive"] as const) {
      for (const g of groups) rows.push(await measure(peer, g, direction, pps));
    }
  }
  for (const g of groups) g.close();
  await peer.call({ cmd: "close" });
  const lines = [
    machineLine(),
    `Legs: ${LEGS} per path (${PATHS.join(", ")}), all connected at once; RTP 1200 bytes (12 + ${PAYLOAD}); ${SECONDS} s measured per row after 1 s warm-up; paced on a 2 ms timer; leg CPU = this process from /proc (legs only: the werift browsers run in a child process, whose CPU is the last column); the CPU window includes a 200 ms drain, so µs/packet is a slight overestimate.`,
    "",
    "| path | direction | target pps | handled pps | loss % | leg CPU % | µs CPU / packet (leg) | same, idle CPU subtracted | peer CPU % |",
    "|---|---|---|---|---|---|---|---|---|",
    ...rows.map((r) => `| ${r.path} | ${r.direction} | ${r.pps} | ${r.handledPps} | ${r.lossPct.toFixed(2)} | ${r.legCpuPct.toFixed(1)} | ${r.usPerPacket.toFixed(1)} | ${((r.usPerPacket * r.legCpuPct - r.usPerPacket * idle) / r.legCpuPct).toFixed(1)} | ${r.peerCpuPct.toFixed(1)} |`),
    "",
    `Idle: ${idle.toFixed(1)}% CPU with ${LEGS * PATHS.length} connected legs and no media (werift timers); it runs during every row.`,
  ];
  console.log(lines.join("\n"));
  process.exit(0);
}

if (args.has("peer")) await runPeer(); else await main();
