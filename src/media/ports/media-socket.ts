/**
 * One bound UDP socket of a media port, on Bun.udpSocket.
 * Chosen over node:dgram by measurement (docs/bench/relay.md): ~20 % less CPU per relayed packet under Bun.
 * Bun.udpSocket has no receive-buffer option; receive-buffer.ts sets SO_RCVBUF on its fd instead, and datagrams
 * leave through libc sendto on the same fd (fd-datagram-sender.ts), cheaper than Bun's send.
 */
import type { udp } from "bun";
import { FdDatagramSender, type DatagramSend } from "./fd-datagram-sender.ts";
import { setReceiveBuffer } from "./receive-buffer.ts";

/**
 * Receives every datagram; `truncated` = larger than the receive buffer (MSG_TRUNC). `data` may be a view on the
 * socket's receive buffer (FdUdpSocket): it is valid during the call only, unless the socket says `ownsData`.
 */
export type DatagramHandler = (data: Uint8Array, port: number, address: string, truncated: boolean) => void;

/** A bound UDP socket of a media port: on Bun's event loop (MediaSocket) or on the media thread's (FdUdpSocket). */
export interface DatagramSocket {
  readonly host: string;
  readonly port: number;
  readonly closed: boolean;
  /** SO_RCVBUF as the kernel reports it after we set it; null = kernel default kept. */
  readonly receiveBufferBytes: number | null;
  /** True when each datagram handed to the handler is a buffer of its own that may be kept. */
  readonly ownsData: boolean;
  onDatagram(handler: DatagramHandler | null): void;
  send(data: Uint8Array, port: number, address: string): boolean;
  close(): void;
}

const ignore: DatagramHandler = () => {};
const closed: DatagramSend = () => false;

export class MediaSocket implements DatagramSocket {
  readonly ownsData = true;
  private handler: DatagramHandler = ignore;
  /** SO_RCVBUF as the kernel reports it after we set it; null = kernel default kept. */
  receiveBufferBytes: number | null = null;
  private socket: udp.Socket<"uint8array"> | null = null;
  private sendDatagram: DatagramSend = closed;

  private constructor(readonly host: string, readonly port: number) {}

  /**
   * Binds host:port; rejects with the OS error (code EADDRINUSE when another process holds it).
   * `receiveBufferBytes` > 0 sets SO_RCVBUF (capped by net.core.rmem_max); 0 keeps the kernel default.
   */
  static async bind(host: string, port: number, receiveBufferBytes = 0): Promise<MediaSocket> {
    const ms = new MediaSocket(host, port);
    ms.socket = await Bun.udpSocket({
      hostname: host,
      port,
      binaryType: "uint8array",
      socket: {
        data: (_s, data, rport, raddr, flags) => ms.handler(data, rport, raddr, flags.truncated),
        // ICMP port-unreachable from a peer that is gone surfaces here (ECONNREFUSED); media just carries on.
        error: () => undefined,
      },
    });
    const socket = ms.socket;
    (ms as { port: number }).port = socket.port;
    const bunSend: DatagramSend = (data, port, address) => socket.send(data, port, address);
    // `fd` exists at runtime but is missing from bun-types 1.4.5
    const fd = (socket as unknown as { fd?: unknown }).fd;
    if (typeof fd === "number" && receiveBufferBytes > 0) ms.receiveBufferBytes = setReceiveBuffer(fd, receiveBufferBytes);
    ms.sendDatagram = FdDatagramSender.for(typeof fd === "number" ? fd : null, bunSend);
    return ms;
  }

  onDatagram(handler: DatagramHandler | null): void { this.handler = handler ?? ignore; }

  send(data: Uint8Array, port: number, address: string): boolean {
    return this.sendDatagram(data, port, address);
  }

  get closed(): boolean { return this.socket === null; }

  close(): void {
    const s = this.socket;
    if (!s) return;
    this.socket = null;
    this.sendDatagram = closed;
    this.handler = ignore;
    s.close();
  }
}
