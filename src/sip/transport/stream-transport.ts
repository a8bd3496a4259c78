/**
 * TCP or TLS listener plus the pool of open connections (accepted and outbound), keyed by remote address so a
 * response or a new request to the same peer reuses the connection.
 */
import net from "node:net";
import tls from "node:tls";
import { readFileSync } from "node:fs";
import type { Clock } from "../../util/clock.ts";
import type { ParseLimits } from "../message/index.ts";
import { TypedEmitter } from "../../util/typed-emitter.ts";
import { StreamConnection } from "./stream-connection.ts";
import type { FramingError } from "./stream-framer.ts";
import type { Endpoint } from "./types.ts";

export interface TlsFiles { certPath: string; keyPath: string; caPath?: string; rejectUnauthorized?: boolean }

export interface StreamTransportOptions {
  transport: "tcp" | "tls";
  host: string;
  port: number;
  tls?: TlsFiles;
  idleTimeoutMs: number;
  connectTimeoutMs: number;
  maxConnections: number;
  /** Accepted connections per remote address: one source cannot use up maxConnections. */
  maxConnectionsPerHost: number;
  maxBufferBytes: number;
  maxWriteBufferBytes: number;
  limits?: Partial<ParseLimits>;
  clock: Clock;
}

export class StreamTransport extends TypedEmitter<{
  packet: [data: Uint8Array, remote: Endpoint, local: Endpoint];
  "framing-error": [err: FramingError, remote: Endpoint];
  error: [Error];
}> {
  private readonly server: net.Server;
  private readonly connections = new Map<string, StreamConnection>();
  private readonly connecting = new Map<string, Promise<StreamConnection>>();
  private readonly perHost = new Map<string, number>();
  private readonly tlsContext?: { cert: Buffer; key: Buffer; ca?: Buffer };
  private boundPort = 0;
  private isClosed = false;

  constructor(private readonly opts: StreamTransportOptions) {
    super();
    if (opts.transport === "tls") {
      if (!opts.tls) throw new Error("tls listen spec needs tls.certPath and tls.keyPath");
      this.tlsContext = {
        cert: readFileSync(opts.tls.certPath), key: readFileSync(opts.tls.keyPath),
        ca: opts.tls.caPath ? readFileSync(opts.tls.caPath) : undefined,
      };
      this.server = tls.createServer({ cert: this.tlsContext.cert, key: this.tlsContext.key }, (s) => this.adopt(s));
    } else {
      this.server = net.createServer((s) => this.adopt(s));
    }
    this.server.on("error", (err) => this.emit("error", err));
  }

  listen(): Promise<Endpoint> {
    return new Promise((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(this.opts.port, this.opts.host, () => {
        this.server.off("error", reject);
        this.boundPort = (this.server.address() as net.AddressInfo).port;
        resolve(this.local);
      });
    });
  }

  get local(): Endpoint { return { transport: this.opts.transport, host: this.opts.host, port: this.boundPort }; }
  get connectionCount(): number { return this.connections.size; }

  hasConnection(host: string, port: number): boolean {
    return this.connections.get(`${host}:${port}`)?.closed === false;
  }

  /** Send over an open connection to host:port (accepted or outbound), else connect first. */
  async send(data: Uint8Array, host: string, port: number): Promise<void> {
    const conn = this.connections.get(`${host}:${port}`) ?? (await this.connect(host, port));
    return conn.send(data);
  }

  private connect(host: string, port: number): Promise<StreamConnection> {
    if (this.isClosed) return Promise.reject(new Error(`${this.opts.transport} transport closed`));
    const key = `${host}:${port}`;
    const pending = this.connecting.get(key);
    if (pending) return pending;
    if (this.connections.size >= this.opts.maxConnections) return Promise.reject(new Error("too many connections"));
    const attempt = new Promise<StreamConnection>((resolve, reject) => {
      const socket = this.tlsContext
        ? tls.connect({
            host, port, ca: this.tlsContext.ca, cert: this.tlsContext.cert, key: this.tlsContext.key,
            rejectUnauthorized: this.opts.tls?.rejectUnauthorized ?? true,
          })
        : net.connect({ host, port });
      const timer = this.opts.clock.setTimeout(() => fail(new Error(`connect to ${key} timed out`)), this.opts.connectTimeoutMs);
      const fail = (err: Error) => { this.opts.clock.clearTimeout(timer); socket.destroy(); reject(err); };
      socket.once("error", fail);
      socket.once(this.tlsContext ? "secureConnect" : "connect", () => {
        this.opts.clock.clearTimeout(timer);
        socket.off("error", fail);
        resolve(this.adopt(socket));
      });
    });
    this.connecting.set(key, attempt);
    const forget = () => this.connecting.delete(key);
    attempt.then(forget, forget);
    return attempt;
  }

  private adopt(socket: net.Socket): StreamConnection {
    const conn = new StreamConnection(this.opts.transport, socket, {
      idleTimeoutMs: this.opts.idleTimeoutMs, maxBufferBytes: this.opts.maxBufferBytes,
      maxWriteBufferBytes: this.opts.maxWriteBufferBytes, limits: this.opts.limits, clock: this.opts.clock,
    });
    const host = conn.remote.host;
    const fromHost = this.perHost.get(host) ?? 0;
    if (this.isClosed || this.connections.size >= this.opts.maxConnections || fromHost >= this.opts.maxConnectionsPerHost) {
      conn.close();
      return conn;
    }
    const key = `${host}:${conn.remote.port}`;
    this.connections.get(key)?.close();
    this.connections.set(key, conn);
    this.perHost.set(host, fromHost + 1);
    conn.on("message", (data) => this.emit("packet", data, conn.remote, conn.local));
    conn.on("framing-error", (err) => this.emit("framing-error", err, conn.remote));
    conn.on("closed", () => {
      if (this.connections.get(key) === conn) this.connections.delete(key);
      const left = (this.perHost.get(host) ?? 1) - 1;
      if (left > 0) this.perHost.set(host, left);
      else this.perHost.delete(host);
    });
    return conn;
  }

  close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.server.close();
    for (const conn of [...this.connections.values()]) conn.close();
    this.connections.clear();
    this.perHost.clear();
    this.removeAllListeners();
  }
}
