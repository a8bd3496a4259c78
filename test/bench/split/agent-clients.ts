/**
 * Agent widgets without a browser, in their own process: one /agent/ws WebSocket per agent (embed token),
 * and for every bound video session a werift peer (test/interop/webrtc/support/werift-browser.ts) that
 * offers, joins and counts the caller's H.264 RTP. Loss is counted from sequence numbers; the sipp caller
 * replays its pcap in a loop, so a large backwards jump starts a new counting cycle.
 *
 * Run by split-bench.ts: `bun agent-clients.ts <wss url> <agents json>`; commands on stdin, one JSON object
 * per line ({"cmd":"stats"} | {"cmd":"close"}), one JSON reply per line on stdout.
 */
import { createInterface } from "node:readline";
import { setLogLevel } from "../../../src/observability/log.ts";
import { WeriftBrowser } from "../../interop/webrtc/support/werift-browser.ts";

setLogLevel("error");
const [url, agentsJson] = process.argv.slice(2) as [string, string];
const agents = JSON.parse(agentsJson) as { id: string; token: string }[];

/** Sequence-number bookkeeping of one received stream. */
class SeqCounter {
  received = 0;
  private closedExpected = 0;
  private base = -1;
  private max = -1;

  add(seq: number): void {
    this.received++;
    if (this.base < 0) { this.base = this.max = seq; return; }
    const ahead = (seq - (this.max & 0xffff) + 0x10000) & 0xffff;
    if (ahead === 0) return;
    if (ahead < 3000) { this.max += ahead; return; }
    if (ahead > 0x10000 - 200) return; // late or duplicate
    // the caller's pcap started over
    this.closedExpected += this.max - this.base + 1;
    this.base = this.max = seq;
  }

  get expected(): number {
    return this.closedExpected + (this.base < 0 ? 0 : this.max - this.base + 1);
  }
}

interface Leg { peer: WeriftBrowser; seq: SeqCounter; sessionAt: number; firstRtpMs?: number; state: string; answered: boolean }

const legs = new Map<string, Leg>();
/** Counters of legs already closed, so totals never go backwards. */
let closedReceived = 0;
let closedExpected = 0;
let welcomed = 0;
let joins = 0;
const errors: string[] = [];
const firstRtpMs: number[] = [];

function closeLeg(sessionId: string): void {
  const leg = legs.get(sessionId);
  if (!leg) return;
  legs.delete(sessionId);
  closedReceived += leg.seq.received;
  closedExpected += leg.seq.expected;
  void leg.peer.close().catch(() => undefined);
}

async function join(ws: WebSocket, sessionId: string): Promise<void> {
  const peer = new WeriftBrowser();
  const leg: Leg = { peer, seq: new SeqCounter(), sessionAt: performance.now(), state: "new", answered: false };
  legs.set(sessionId, leg);
  joins++;
  peer.pc.onTrack.subscribe((track) => {
    track.onReceiveRtp.subscribe((rtp) => {
      if (leg.firstRtpMs === undefined) {
        leg.firstRtpMs = performance.now() - leg.sessionAt;
        if (firstRtpMs.length < 10_000) firstRtpMs.push(leg.firstRtpMs);
      }
      leg.seq.add(rtp.header.sequenceNumber);
    });
  });
  peer.pc.connectionStateChange.subscribe((s) => { leg.state = s; });
  const sdp = await peer.offer();
  ws.send(JSON.stringify({ type: "join", sessionId, sdp }));
}

function connect(agent: { id: string; token: string }): void {
  const ws = new WebSocket(url, { tls: { rejectUnauthorized: false } } as unknown as string[]);
  ws.onopen = () => ws.send(JSON.stringify({ type: "hello", agent: agent.id, token: agent.token }));
  ws.onmessage = (ev) => {
    const msg = JSON.parse(String(ev.data));
    switch (msg.type) {
      case "welcome": welcomed++; break;
      case "session":
        if (msg.session.video && !legs.has(msg.session.id)) void join(ws, msg.session.id).catch((e) => errors.push(String(e)));
        else if (!msg.session.video) closeLeg(msg.session.id);
        break;
      case "answer": {
        const leg = legs.get(msg.sessionId);
        if (leg) leg.answered = true;
        void leg?.peer.accept(msg.sdp).catch((e) => errors.push(String(e)));
        break;
      }
      case "unbound": closeLeg(msg.sessionId); break;
      case "error": if (errors.length < 50) errors.push(msg.message); break;
    }
  };
  ws.onclose = () => { welcomed--; };
}

for (const a of agents) connect(a);

const reply = (o: unknown) => process.stdout.write(JSON.stringify(o) + "\n");
for await (const line of createInterface({ input: process.stdin })) {
  const c = JSON.parse(line) as { cmd: string };
  if (c.cmd === "stats") {
    let received = closedReceived;
    let expected = closedExpected;
    let connected = 0;
    let withMedia = 0;
    /** Legs without video yet, by "answered?/connection state". */
    const waiting: Record<string, number> = {};
    for (const leg of legs.values()) {
      received += leg.seq.received;
      expected += leg.seq.expected;
      if (leg.state === "connected") connected++;
      if (leg.seq.received > 0) withMedia++;
      else {
        const k = `${leg.answered ? "answered" : "no answer"}/ice ${leg.peer.pc.iceConnectionState}/${leg.state}`;
        waiting[k] = (waiting[k] ?? 0) + 1;
      }
    }
    reply({ welcomed, joins, legs: legs.size, connected, withMedia, waiting, received, expected, errors: errors.splice(0), firstRtpMs: firstRtpMs.splice(0) });
  } else if (c.cmd === "close") {
    for (const id of [...legs.keys()]) closeLeg(id);
    reply({ ok: true });
    process.exit(0);
  }
}
