/** Loopback UDP peers and RTP builders for the relay tests. */
import { RtpPacket, type RtpHeader } from "../../../src/media/rtp/index.ts";
import { PortPool } from "../../../src/media/ports/index.ts";

export interface Datagram { data: Uint8Array; port: number; address: string }

/** A UDP socket on 127.0.0.1 that queues what it receives; next() awaits the next datagram (with a timeout). */
export class UdpPeer {
  private queue: Datagram[] = [];
  private waiters: ((d: Datagram) => void)[] = [];
  private constructor(private socket: import("bun").udp.Socket<"uint8array">) {}

  static async open(port = 0): Promise<UdpPeer> {
    let peer: UdpPeer | undefined;
    const socket = await Bun.udpSocket({
      hostname: "127.0.0.1",
      port,
      binaryType: "uint8array",
      socket: { data: (_s, data, rport, address) => peer!.push({ data: data.slice(), port: rport, address }) },
    });
    peer = new UdpPeer(socket);
    return peer;
  }

  get port(): number { return this.socket.port; }
  get pending(): number { return this.queue.length; }

  send(data: Uint8Array, port: number): void { this.socket.send(data, port, "127.0.0.1"); }

  next(timeoutMs = 2000): Promise<Datagram> {
    const d = this.queue.shift();
    if (d) return Promise.resolve(d);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no datagram on :${this.port} within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push((x) => { clearTimeout(t); resolve(x); });
    });
  }

  close(): void { this.socket.close(); }

  private push(d: Datagram): void {
    const w = this.waiters.shift();
    if (w) w(d);
    else this.queue.push(d);
  }
}

export function rtp(h: Partial<RtpHeader>, payload: Uint8Array = new Uint8Array(160).fill(0xff)): Uint8Array {
  return new RtpPacket({ payloadType: 0, ssrc: 0x11111111, ...h }, payload).serialize();
}

export function parse(data: Uint8Array): RtpPacket { return RtpPacket.deSerialize(data); }

/** A pool over a random 200-port block so test files can run in parallel. */
export function testPool(size = 200): PortPool {
  const base = 32768 + 2 * Math.floor(Math.random() * ((60000 - 32768 - size) / 2));
  return new PortPool({ range: { min: base, max: base + size - 1 } });
}

/** Resolves with the next emission of `event`, or rejects after timeoutMs. */
export function nextEvent<T>(on: (fn: (v: T) => void) => void, timeoutMs = 2000): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error("event not emitted in time")), timeoutMs);
    on((v) => { clearTimeout(t); resolve(v); });
  });
}

import { Bridge, MediaEndpoint, type BridgeOptions, type MediaEndpointOptions } from "../../../src/media/relay/index.ts";

/** Two loopback peers, an endpoint toward each (SDP address = the peer), bridged. */
export async function bridgedCall(opts: {
  a?: Partial<MediaEndpointOptions>;
  b?: Partial<MediaEndpointOptions>;
  bridge?: BridgeOptions;
} = {}) {
  const pool = testPool();
  const peerA = await UdpPeer.open();
  const peerB = await UdpPeer.open();
  const legA = await MediaEndpoint.create({
    pool, kind: "audio", rtcpMux: true, remote: { address: "127.0.0.1", port: peerA.port }, label: "A", ...opts.a,
  });
  const legB = await MediaEndpoint.create({
    pool, kind: "audio", rtcpMux: true, remote: { address: "127.0.0.1", port: peerB.port }, label: "B", ...opts.b,
  });
  const bridge = new Bridge(legA, legB, opts.bridge);
  return {
    pool, peerA, peerB, legA, legB, bridge,
    close() { bridge.close(); peerA.close(); peerB.close(); },
  };
}
