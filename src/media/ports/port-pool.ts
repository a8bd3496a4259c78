/**
 * UDP port pool over `[media] rtp_ports`: even RTP port, RTCP on +1 (bound only without rtcp-mux; the
 * +1 stays reserved either way). Free pairs sit in a FIFO ring, so allocate/release are O(1) and a
 * just-freed port is reused last (late packets of an old call do not hit a new one). A port another
 * process holds fails to bind and goes to the back of the ring.
 */
import { PortPoolClosedError, PortPoolExhaustedError } from "./errors.ts";
import { MediaSocket, type DatagramSocket } from "./media-socket.ts";
import { evenPorts, parsePortRange, type PortRange } from "./port-range.ts";

export const DEFAULT_RECEIVE_BUFFER = 512 << 10;

export interface PortPoolOptions {
  /** "20000-29999" or {min,max}. */
  range: string | PortRange;
  /** Local address to bind (default 127.0.0.1). */
  host?: string;
  /**
   * SO_RCVBUF per socket (default 512 KiB, capped by net.core.rmem_max; the kernel doubles it); 0 = kernel default.
   * Larger absorbs longer stalls but, when the relay falls behind, queues seconds of stale media (docs/bench/relay.md).
   */
  receiveBufferBytes?: number;
}

export interface AllocateOptions { rtcpMux: boolean }

/** The sockets (or fds) of one port pair: RTP, and RTCP on +1 unless muxed. */
export interface RtpPair<T> { rtp: T; rtcp: T | null }

/** Binds `port` and, without rtcp-mux, `port + 1`; the RTP one is closed again when RTCP cannot be had. */
export async function bindRtpPair<T>(port: number, rtcpMux: boolean, bind: (port: number) => T | Promise<T>, close: (socket: T) => void): Promise<RtpPair<T>> {
  const rtp = await bind(port);
  if (rtcpMux) return { rtp, rtcp: null };
  try {
    return { rtp, rtcp: await bind(port + 1) };
  } catch (err) {
    close(rtp);
    throw err;
  }
}

export function closeRtpPair<T>(pair: RtpPair<T>, close: (socket: T) => void): void {
  close(pair.rtp);
  if (pair.rtcp !== null) close(pair.rtcp);
}

const closeSocket = (s: DatagramSocket) => s.close();

/** A bound RTP socket (and RTCP socket unless muxed); `release()` closes them and returns the pair. */
export interface PortAllocation {
  readonly rtpPort: number;
  readonly rtcpPort: number;
  readonly rtp: DatagramSocket;
  readonly rtcp: DatagramSocket | null;
  release(): void;
}

export class PortPool {
  readonly range: PortRange;
  readonly host: string;
  private readonly receiveBufferBytes: number;
  private readonly ring: Int32Array;
  private head = 0;
  private free = 0;
  private inUseCount = 0;
  private closed = false;

  constructor(opts: PortPoolOptions) {
    this.range = parsePortRange(opts.range);
    this.host = opts.host ?? "127.0.0.1";
    this.receiveBufferBytes = opts.receiveBufferBytes ?? DEFAULT_RECEIVE_BUFFER;
    const ports = evenPorts(this.range);
    this.ring = Int32Array.from(ports);
    this.free = ports.length;
  }

  get capacity(): number { return this.ring.length; }
  get inUse(): number { return this.inUseCount; }
  get available(): number { return this.free; }

  async allocate(opts: AllocateOptions): Promise<PortAllocation> {
    const bind = (port: number) => MediaSocket.bind(this.host, port, this.receiveBufferBytes);
    const { rtpPort, bound, release } = await this.reserve(
      (port) => bindRtpPair<DatagramSocket>(port, opts.rtcpMux, bind, closeSocket),
      (pair) => closeRtpPair(pair, closeSocket),
    );
    return {
      rtpPort, rtcpPort: rtpPort + 1, rtp: bound.rtp, rtcp: bound.rtcp,
      release: () => {
        closeRtpPair(bound, closeSocket);
        release();
      },
    };
  }

  /**
   * Takes a free pair and has `bind` bind it (elsewhere, e.g. on the media thread); a pair another process holds
   * (bind rejects with code EADDRINUSE) rotates to the back and the next is tried. `release` gives the pair back
   * once its sockets are closed. Throws PortPoolExhaustedError, PortPoolClosedError (after `unbind`) or bind's error.
   */
  async reserve<T>(bind: (rtpPort: number) => Promise<T>, unbind: (bound: T) => void): Promise<{ rtpPort: number; bound: T; release(): void }> {
    if (this.closed) throw new PortPoolClosedError();
    // Each pair is tried at most once per call. (free is re-checked: concurrent reservations take pairs while this one awaits a bind)
    for (let tries = this.free; tries > 0 && this.free > 0; tries--) {
      const port = this.take();
      let bound: T;
      try {
        bound = await bind(port);
      } catch (err) {
        this.give(port);
        if (isAddressInUse(err)) continue;
        throw err;
      }
      if (this.closed) {
        unbind(bound);
        this.give(port);
        throw new PortPoolClosedError();
      }
      this.inUseCount++;
      let released = false;
      return {
        rtpPort: port,
        bound,
        release: () => {
          if (released) return;
          released = true;
          this.inUseCount--;
          this.give(port);
        },
      };
    }
    throw new PortPoolExhaustedError(this.range.min, this.range.max, this.inUseCount);
  }

  /** Stops handing out ports; allocations already made stay valid until released. */
  close(): void { this.closed = true; }

  private take(): number {
    const port = this.ring[this.head];
    this.head = (this.head + 1) % this.ring.length;
    this.free--;
    return port;
  }

  private give(port: number): void {
    this.ring[(this.head + this.free) % this.ring.length] = port;
    this.free++;
  }
}

function isAddressInUse(err: unknown): boolean {
  return typeof err === "object" && err !== null && (err as { code?: string }).code === "EADDRINUSE";
}
