/** One TCP or TLS connection: frames inbound bytes into SIP messages, writes with a bounded queue, idles out. */
import type { Socket } from "node:net";
import type { Clock, TimerHandle } from "../../util/clock.ts";
import type { ParseLimits } from "../message/index.ts";
import { TypedEmitter } from "../../util/typed-emitter.ts";
import { FramingError, StreamFramer } from "./stream-framer.ts";
import type { Endpoint, TransportProtocol } from "./types.ts";

export interface StreamConnectionOptions {
  idleTimeoutMs: number;
  maxBufferBytes: number;
  /** Pending outbound bytes beyond which send() fails instead of queueing more. */
  maxWriteBufferBytes: number;
  limits?: Partial<ParseLimits>;
  clock: Clock;
}

const PONG = new Uint8Array([0x0d, 0x0a]);

export class StreamConnection extends TypedEmitter<{
  message: [data: Uint8Array];
  "framing-error": [err: FramingError];
  closed: [];
}> {
  readonly remote: Endpoint;
  readonly local: Endpoint;
  private readonly framer: StreamFramer;
  private lastActivity: number;
  private idleTimer: TimerHandle | undefined;
  private isClosed = false;

  constructor(transport: TransportProtocol, private readonly socket: Socket, private readonly opts: StreamConnectionOptions) {
    super();
    this.remote = { transport, host: stripV4Mapped(socket.remoteAddress ?? ""), port: socket.remotePort ?? 0 };
    this.local = { transport, host: stripV4Mapped(socket.localAddress ?? ""), port: socket.localPort ?? 0 };
    this.framer = new StreamFramer(opts.maxBufferBytes, opts.limits);
    this.lastActivity = opts.clock.now();
    socket.setNoDelay(true);
    socket.on("data", (chunk: Uint8Array) => this.onData(chunk));
    socket.on("error", () => this.close());
    socket.on("close", () => this.close());
    this.armIdleTimer(opts.idleTimeoutMs);
  }

  get closed(): boolean { return this.isClosed; }

  send(data: Uint8Array): Promise<void> {
    if (this.isClosed) return Promise.reject(new Error("connection closed"));
    if (this.socket.writableLength + data.length > this.opts.maxWriteBufferBytes) {
      return Promise.reject(new Error("connection write buffer full"));
    }
    this.lastActivity = this.opts.clock.now();
    return new Promise((resolve, reject) => {
      this.socket.write(data, (err) => (err ? reject(err) : resolve()));
    });
  }

  close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.opts.clock.clearTimeout(this.idleTimer);
    this.socket.destroy();
    this.emit("closed");
    this.removeAllListeners();
  }

  private onData(chunk: Uint8Array): void {
    this.lastActivity = this.opts.clock.now();
    let framed;
    try {
      framed = this.framer.push(chunk);
    } catch (err) {
      this.emit("framing-error", err as FramingError);
      this.close();
      return;
    }
    for (let i = 0; i < framed.pings; i++) this.socket.write(PONG);
    for (const m of framed.messages) {
      if (this.isClosed) return;
      this.emit("message", m);
    }
  }

  /** One timer per connection, re-armed for the remaining idle time instead of on every packet. */
  private armIdleTimer(ms: number): void {
    this.idleTimer = this.opts.clock.setTimeout(() => {
      const idle = this.opts.clock.now() - this.lastActivity;
      if (idle >= this.opts.idleTimeoutMs) this.close();
      else this.armIdleTimer(this.opts.idleTimeoutMs - idle);
    }, ms);
  }
}

/** "::ffff:127.0.0.1" (dual-stack socket) -> "127.0.0.1". */
export function stripV4Mapped(host: string): string {
  return host.startsWith("::ffff:") && host.includes(".") ? host.slice(7) : host;
}
