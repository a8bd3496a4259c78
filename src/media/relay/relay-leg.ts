/**
 * What the session layer drives on a SIP leg's relayed media, wherever its packets are handled: a MediaEndpoint
 * on this thread, or one on the media thread behind a ThreadMediaLeg (src/media/thread).
 */
import type { SdesKeys } from "../srtp/index.ts";
import type { MediaEndpointStats } from "./endpoint-stats.ts";
import type { MediaKind, RemoteMedia, RtpTap } from "./media-endpoint.ts";
import type { BridgeDirection, BridgeDirectionOptions, BridgeOptions } from "./bridge.ts";

export interface RelayLegEvents {
  latched: [{ kind: "rtp" | "rtcp"; address: string; port: number }];
  timeout: [{ silentForMs: number }];
  closed: [];
}

export interface RelayLeg {
  on<K extends keyof RelayLegEvents>(event: K, fn: (...args: RelayLegEvents[K]) => void): unknown;
  readonly kind: MediaKind;
  readonly label: string;
  readonly rtpPort: number;
  readonly ssrc: number;
  readonly closed: boolean;
  /** Observes each valid RTP packet received (a recorder). */
  tap: RtpTap | null;
  /** New SDP from the peer: learn its address again and restart the media timeout. */
  setRemote(remote: RemoteMedia | null): void;
  setClockRates(rates: Record<number, number>): void;
  /** SRTP with these keys, or plain RTP (null). Throws SrtpKeyError when the keys are unusable. */
  setSdes(keys: SdesKeys | null): void;
  /** Our SR/RR with an SDES CNAME to the peer, when its address is known. */
  sendReport(cname: string): void;
  /** Counters as they stand (a leg on the media thread: as last reported, at most a fraction of a second old). */
  stats(): MediaEndpointStats;
  close(): void;
}

/** Forwards RTP between two legs (see Bridge). */
export interface RelayBridge {
  readonly closed: boolean;
  setPayloadTypes(direction: BridgeDirection, opts: BridgeDirectionOptions): void;
  resync(): void;
  close(): void;
}

/** Where a session's SIP audio legs and their bridge live. */
export interface RelayLegFactory {
  /** Binds a leg's ports. Throws PortPoolExhaustedError (or the OS error) when none can be had. */
  createLeg(spec: RelayLegSpec): Promise<RelayLeg>;
  bridge(a: RelayLeg, b: RelayLeg, opts: BridgeOptions): RelayBridge;
}

/** A leg's options as plain data (they may cross to the media thread). */
export interface RelayLegSpec {
  kind: MediaKind;
  label: string;
  rtcpMux: boolean;
  /** No RTP from the peer for this long => "timeout"; 0 = off. */
  mediaTimeoutMs: number;
  ssrc?: number;
}
