/** Messages between the main thread (MediaThread) and the media thread (media-worker.ts). All plain data. */
import type { BridgeDirection, BridgeDirectionOptions, BridgeOptions } from "../relay/bridge.ts";
import type { MediaEndpointStats } from "../relay/endpoint-stats.ts";
import type { RemoteMedia } from "../relay/media-endpoint.ts";
import type { RelayLegSpec } from "../relay/relay-leg.ts";
import type { SdesKeys } from "../srtp/index.ts";
import type { CounterCounts } from "../../observability/metrics.ts";
import type { LogLevel } from "../../observability/log.ts";
import type { BoundFd } from "../ports/fd-udp-socket.ts";

/** What the worker is started with (workerData). */
export interface MediaThreadSetup {
  /** The eventfd the main thread writes after each command, so that the worker's epoll wait returns. */
  doorbellFd: number;
  /** The address the legs' sockets are bound to. */
  host: string;
  logLevel: LogLevel;
}

/** Legs and bridges share one id space, chosen by the main thread. */
export type MediaCommand =
  /** A leg on sockets the main thread bound (so that call setup never waits for this thread); they are its own now. */
  | { op: "create"; id: number; rtp: BoundFd; rtcp: BoundFd | null; spec: RelayLegSpec & { ssrc: number } }
  | { op: "remote"; id: number; remote: RemoteMedia | null }
  | { op: "clock-rates"; id: number; rates: Record<number, number> }
  | { op: "sdes"; id: number; keys: SdesKeys | null }
  | { op: "report"; id: number; cname: string }
  /** Tapped packets are sent with `generation` (null: tap off), so that batches of an earlier tap are told apart. */
  | { op: "tap"; id: number; generation: number | null }
  | { op: "close"; id: number }
  | { op: "bridge"; id: number; a: number; b: number; options: BridgeOptions }
  | { op: "payload-types"; id: number; direction: BridgeDirection; options: BridgeDirectionOptions }
  | { op: "resync"; id: number }
  | { op: "shutdown" };

export type MediaThreadEvent =
  /** The loop's own fds, for the main thread to close should the thread die (workers share the process's fds). */
  | { ev: "ready"; fds: number[] }
  | { ev: "latched"; id: number; kind: "rtp" | "rtcp"; address: string; port: number }
  | { ev: "timeout"; id: number; silentForMs: number }
  /** Packets a tapped leg received since the last batch (tap-batch.ts layout). */
  | { ev: "tapped"; id: number; generation: number; batch: ArrayBuffer }
  /** Counters of the legs that changed, and the thread's metric counters (drops, SRTP rejects) since the last report. */
  | { ev: "stats"; legs: [id: number, stats: MediaEndpointStats][]; counters: CounterCounts }
  /** The leg is gone: closed on command, with its bridge, or (stats null) it could not be set up. */
  | { ev: "closed"; id: number; stats: MediaEndpointStats | null }
  | { ev: "stopped" };
