/** One UDP socket: datagrams in as `packet`, datagrams out with send(). No SIP knowledge. */
import dgram from "node:dgram";
import { isIP } from "node:net";
import { TypedEmitter } from "../../util/typed-emitter.ts";
import type { Endpoint } from "./types.ts";

export interface UdpTransportOptions {
  host: string;
  port: number;
  /** SO_RCVBUF; bursts of INVITEs must not overflow the kernel queue. */
  recvBufferBytes?: number;
}

export class UdpTransport extends TypedEmitter<{ packet: [data: Uint8Array, remote: Endpoint]; error: [Error] }> {
  private readonly socket: dgram.Socket;
  private closed = false;
  private boundPort = 0;

  constructor(private readonly opts: UdpTransportOptions) {
    super();
    this.socket = dgram.createSocket({
      type: isIP(opts.host) === 6 ? "udp6" : "udp4",
      recvBufferSize: opts.recvBufferBytes ?? 4 * 1024 * 1024,
    });
    this.socket.on("message", (data, rinfo) => {
      this.emit("packet", data, { transport: "udp", host: rinfo.address, port: rinfo.port });
    });
    this.socket.on("error", (err) => this.emit("error", err));
  }

  get family(): 4 | 6 { return isIP(this.opts.host) === 6 ? 6 : 4; }

  listen(): Promise<Endpoint> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error) => reject(err);
      this.socket.once("error", onError);
      this.socket.bind(this.opts.port, this.opts.host, () => {
        this.socket.off("error", onError);
        this.boundPort = this.socket.address().port;
        resolve(this.local);
      });
    });
  }

  get local(): Endpoint { return { transport: "udp", host: this.opts.host, port: this.boundPort }; }

  send(data: Uint8Array, host: string, port: number): Promise<void> {
    if (this.closed) return Promise.reject(new Error("udp transport closed"));
    return new Promise((resolve, reject) => {
      try {
        this.socket.send(data, port, host, (err) => (err ? reject(err) : resolve()));
      } catch (err) {
        reject(err as Error);
      }
    });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    try { this.socket.close(); } catch { /* already closed */ }
    this.removeAllListeners();
  }
}
