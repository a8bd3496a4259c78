/**
 * The main thread's handle on a leg that lives on the media thread: commands out, events in. Reads (ports, SSRC,
 * stats) are answered from what the media thread last reported, so the session layer stays synchronous.
 */
import { TypedEmitter } from "../../util/typed-emitter.ts";
import { RtpHeaderView } from "../rtp/index.ts";
import { sdesTransform, type SdesKeys } from "../srtp/index.ts";
import type { MediaEndpointStats } from "../relay/endpoint-stats.ts";
import type { MediaKind, RemoteMedia, RtpTap } from "../relay/media-endpoint.ts";
import type { BridgeDirection, BridgeDirectionOptions } from "../relay/bridge.ts";
import type { RelayBridge, RelayLeg, RelayLegEvents, RelayLegSpec } from "../relay/relay-leg.ts";
import type { MediaCommand } from "./protocol.ts";
import { readTapBatch } from "./tap-batch.ts";

export type SendCommand = (command: MediaCommand) => void;

export class ThreadMediaLeg extends TypedEmitter<RelayLegEvents> implements RelayLeg {
  readonly kind: MediaKind;
  readonly label: string;
  private isClosed = false;
  private tapFn: RtpTap | null = null;
  /** Of the tap set last: batches captured for an earlier one (in flight when it changed) are not handed to this one. */
  private tapGeneration = 0;
  private readonly view = new RtpHeaderView();
  private last: MediaEndpointStats;

  constructor(readonly id: number, readonly rtpPort: number, spec: RelayLegSpec & { ssrc: number }, private readonly send: SendCommand) {
    super();
    this.kind = spec.kind;
    this.label = spec.label;
    this.last = emptyStats(spec.ssrc);
  }

  get ssrc(): number { return this.last.tx.ssrc; }
  get closed(): boolean { return this.isClosed; }

  get tap(): RtpTap | null { return this.tapFn; }
  set tap(fn: RtpTap | null) {
    if (fn === this.tapFn) return;
    this.tapFn = fn;
    this.tapGeneration++;
    this.command({ op: "tap", id: this.id, generation: fn ? this.tapGeneration : null });
  }

  setRemote(remote: RemoteMedia | null): void { this.command({ op: "remote", id: this.id, remote }); }
  setClockRates(rates: Record<number, number>): void { this.command({ op: "clock-rates", id: this.id, rates }); }

  setSdes(keys: SdesKeys | null): void {
    if (keys) sdesTransform(keys); // unusable keys throw here, where the session can tell; the media thread builds its own
    this.command({ op: "sdes", id: this.id, keys });
  }

  sendReport(cname: string): void { this.command({ op: "report", id: this.id, cname }); }

  stats(): MediaEndpointStats { return this.last; }

  close(): void { this.command({ op: "close", id: this.id }); }

  /** From MediaThread: an event of this leg. */
  onStats(stats: MediaEndpointStats): void { this.last = stats; }
  onLatched(kind: "rtp" | "rtcp", address: string, port: number): void { this.emit("latched", { kind, address, port }); }
  onTimeout(silentForMs: number): void { this.emit("timeout", { silentForMs }); }

  onTapped(batch: ArrayBuffer, generation: number): void {
    const tap = this.tapFn;
    if (tap === null || generation !== this.tapGeneration) return;
    const view = this.view;
    readTapBatch(batch, (packet, at) => {
      if (view.wrap(packet)) tap(view, at);
    });
  }

  /** The leg is gone on the media thread (closed there, or the thread failed: `stats` null). */
  onClosed(stats: MediaEndpointStats | null): void {
    if (this.isClosed) return;
    this.isClosed = true;
    if (stats) this.last = stats;
    this.tapFn = null;
    this.emit("closed");
    this.removeAllListeners();
  }

  private command(c: MediaCommand): void {
    if (!this.isClosed) this.send(c);
  }
}

export class ThreadBridge implements RelayBridge {
  private isClosed = false;

  constructor(readonly id: number, a: ThreadMediaLeg, b: ThreadMediaLeg, private readonly send: SendCommand) {
    // The media thread's bridge closes with either leg, and closes both when it is closed itself.
    const gone = () => { this.isClosed = true; };
    a.on("closed", gone);
    b.on("closed", gone);
  }

  get closed(): boolean { return this.isClosed; }

  setPayloadTypes(direction: BridgeDirection, options: BridgeDirectionOptions): void {
    if (!this.isClosed) this.send({ op: "payload-types", id: this.id, direction, options });
  }

  resync(): void {
    if (!this.isClosed) this.send({ op: "resync", id: this.id });
  }

  close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.send({ op: "close", id: this.id });
  }
}

function emptyStats(ssrc: number): MediaEndpointStats {
  return {
    at: 0,
    rx: { packets: 0, bytes: 0, bitrateBps: 0, lost: 0, expected: 0, jitterMs: 0, ssrc: null, lastPacketAt: null },
    tx: { packets: 0, bytes: 0, bitrateBps: 0, ssrc, remote: null, nack: null },
    rttMs: null,
    dropped: 0,
  };
}
