/**
 * The media thread's side of the boundary: MediaEndpoints and Bridges on MediaLoop's sockets, driven by
 * MediaCommands; what the main thread needs back (latching, timeouts, tapped packets, counters) goes out as
 * MediaThreadEvents through `post`.
 */
import { createLogger } from "../../observability/log.ts";
import { Bridge, MediaEndpoint, type MediaEndpointStats } from "../relay/index.ts";
import { metrics, type CounterCounts } from "../../observability/metrics.ts";
import type { MediaLoop } from "../ports/media-loop.ts";
import type { PortAllocation } from "../ports/index.ts";
import type { FdUdpSocket } from "../ports/fd-udp-socket.ts";
import { TapBatchWriter } from "./tap-batch.ts";
import type { MediaCommand, MediaThreadEvent } from "./protocol.ts";

const log = createLogger("media.thread");

/** How often a changed leg's counters are reported. */
const STATS_PERIOD_MS = 250;
/** Reports are spread over the loop's turns (at most this many legs per turn), not made for every leg at once. */
const REPORTS_PER_TURN = 32;

interface Leg {
  endpoint: MediaEndpoint;
  tap: TapBatchWriter | null;
  /** Of the tap on now (null: off); batches carry it. */
  generation: number | null;
  /** Packets and drops at the last report, and whether media was flowing then: a leg is reported while it changes, and once more when it went quiet (its bitrate falls to 0). */
  reported: number;
  flowing: boolean;
  rttMs: number | null;
  reportedAt: number;
}

export class ThreadRelay {
  private readonly legs = new Map<number, Leg>();
  private readonly bridges = new Map<number, Bridge>();
  private lastCountersAt = -Infinity;
  private stopped = false;

  constructor(
    private readonly loop: MediaLoop,
    private readonly host: string,
    private readonly post: (event: MediaThreadEvent, transfer?: ArrayBuffer[]) => void,
  ) {}

  /** One command; a command about a leg or bridge already gone is ignored (it crossed with its "closed"). */
  handle(c: MediaCommand): void {
    if (c.op === "create") return this.create(c);
    if (c.op === "shutdown") return this.shutdown();
    if (c.op === "bridge") return this.bridge(c.id, c.a, c.b, c);
    if (c.op === "payload-types" || c.op === "resync" || (c.op === "close" && this.bridges.has(c.id))) {
      const bridge = this.bridges.get(c.id);
      if (c.op === "payload-types") bridge?.setPayloadTypes(c.direction, c.options);
      else if (c.op === "resync") bridge?.resync();
      else bridge?.close();
      return;
    }
    const leg = this.legs.get(c.id);
    if (!leg) return;
    const e = leg.endpoint;
    switch (c.op) {
      case "remote": return e.setRemote(c.remote);
      case "clock-rates": return e.setClockRates(c.rates);
      case "sdes": return e.setSdes(c.keys);
      case "report": return void e.sendReport(c.cname);
      case "tap": return this.setTap(c.id, leg, c.generation);
      case "close": return e.close();
    }
  }

  /**
   * Called after each turn of the loop (`monotonicMs`: performance.now(), so a wall-clock step cannot stall reports):
   * tapped packets go out; the legs whose last report is STATS_PERIOD_MS old and that changed are reported (a few
   * per turn: one burst for hundreds of legs would hold up the packets queued meanwhile), and the thread's metrics.
   */
  flush(monotonicMs: number): void {
    const changed: [number, MediaEndpointStats][] = [];
    for (const [id, leg] of this.legs) {
      this.flushTap(id, leg);
      if (changed.length >= REPORTS_PER_TURN || monotonicMs - leg.reportedAt < STATS_PERIOD_MS) continue;
      const e = leg.endpoint;
      const mark = e.rx.packets + e.tx.packets + e.dropped;
      if (mark === leg.reported && !leg.flowing && e.rtt.lastMs === leg.rttMs) continue;
      const stats = e.stats();
      leg.reported = mark;
      leg.flowing = stats.rx.bitrateBps > 0 || stats.tx.bitrateBps > 0;
      leg.rttMs = e.rtt.lastMs;
      leg.reportedAt = monotonicMs;
      changed.push([id, stats]);
    }
    let counters: CounterCounts = [];
    if (monotonicMs - this.lastCountersAt >= STATS_PERIOD_MS) {
      this.lastCountersAt = monotonicMs;
      counters = metrics.takeCounters();
    }
    if (changed.length > 0 || counters.length > 0) this.post({ ev: "stats", legs: changed, counters });
  }

  /** All or nothing: a leg that cannot be set up (or comes after shutdown) has its fds closed and is reported closed. */
  private create(c: Extract<MediaCommand, { op: "create" }>): void {
    const adopted: FdUdpSocket[] = [];
    let endpoint: MediaEndpoint;
    try {
      if (this.stopped) throw new Error("the media thread is shutting down");
      const rtp = this.loop.adopt(c.rtp, this.host);
      adopted.push(rtp);
      const rtcp = c.rtcp && this.loop.adopt(c.rtcp, this.host);
      if (rtcp) adopted.push(rtcp);
      const ports: PortAllocation = {
        rtpPort: rtp.port, rtcpPort: rtp.port + 1, rtp, rtcp,
        release: () => { rtp.close(); rtcp?.close(); },
      };
      const { kind, label, rtcpMux, mediaTimeoutMs, ssrc } = c.spec;
      endpoint = MediaEndpoint.onPorts(ports, { kind, label, rtcpMux, mediaTimeoutMs, ssrc, retransmission: false });
    } catch (err) {
      log.error("media leg could not be set up", { leg: c.spec.label, err });
      for (const s of adopted) s.close();
      for (const b of [c.rtp, c.rtcp]) if (b && !adopted.some((s) => s.fd === b.fd)) this.loop.closeUnadopted(b);
      return this.post({ ev: "closed", id: c.id, stats: null });
    }
    const leg: Leg = { endpoint, tap: null, generation: null, reported: 0, flowing: false, rttMs: null, reportedAt: -Infinity };
    this.legs.set(c.id, leg);
    endpoint.on("latched", (l) => this.post({ ev: "latched", id: c.id, ...l }));
    endpoint.on("timeout", ({ silentForMs }) => this.post({ ev: "timeout", id: c.id, silentForMs }));
    endpoint.on("closed", () => {
      this.flushTap(c.id, leg);
      this.legs.delete(c.id);
      this.post({ ev: "closed", id: c.id, stats: endpoint.stats() });
    });
  }

  private bridge(id: number, a: number, b: number, c: Extract<MediaCommand, { op: "bridge" }>): void {
    const la = this.legs.get(a), lb = this.legs.get(b);
    if (!la || !lb) {
      log.warn("bridge of a leg already closed", { bridge: id, a, b });
      (la ?? lb)?.endpoint.close(); // the bridge owned both: what is left of it goes too
      return;
    }
    const bridge = new Bridge(la.endpoint, lb.endpoint, c.options);
    this.bridges.set(id, bridge);
    bridge.on("closed", () => this.bridges.delete(id));
  }

  /** What the previous tap captured goes out under its generation first. */
  private setTap(id: number, leg: Leg, generation: number | null): void {
    this.flushTap(id, leg);
    leg.generation = generation;
    if (generation === null) {
      leg.endpoint.tap = null;
      leg.tap = null;
      return;
    }
    const writer = (leg.tap ??= new TapBatchWriter());
    leg.endpoint.tap = (view, now) => writer.add(view.buffer.subarray(view.offset, view.offset + view.length), now);
  }

  private flushTap(id: number, leg: Leg): void {
    if (!leg.tap || leg.tap.empty || leg.generation === null) return;
    const batch = leg.tap.take();
    this.post({ ev: "tapped", id, generation: leg.generation, batch }, [batch]);
  }

  private shutdown(): void {
    this.stopped = true;
    for (const leg of [...this.legs.values()]) leg.endpoint.close();
    this.loop.close();
    this.post({ ev: "stopped" });
  }
}
