/**
 * The SIP transport layer (RFC 3261 §18): owns the UDP/TCP/TLS transports of the listen specs, turns bytes into
 * messages (answering what is malformed but answerable with 4xx, dropping and counting the rest), stamps
 * received/rport, applies the inbound filter, routes responses, and records the trace.
 */
import { isIP } from "node:net";
import { networkInterfaces } from "node:os";
import {
  createResponse, type ParseLimits, parseMessage, SipParseError, type SipMessage, SipRequest, type SipResponse,
} from "../message/index.ts";
import type { SipTrace } from "../trace.ts";
import { type Clock, systemClock } from "../../util/clock.ts";
import { TypedEmitter } from "../../util/typed-emitter.ts";
import { metrics } from "../../observability/metrics.ts";
import { createLogger, isLogLevelEnabled } from "../../observability/log.ts";
import type { FilterVerdict, InboundFilter } from "./inbound-filter.ts";
import { parseListenSpec } from "./listen-spec.ts";
import { StreamTransport, type TlsFiles } from "./stream-transport.ts";
import { type Destination, type Endpoint, type InboundMessage, isReliable, type TransportProtocol } from "./types.ts";
import { UdpTransport } from "./udp-transport.ts";
import { responseDestination, stampReceived } from "./via-routing.ts";

export interface TransportLayerOptions {
  /** Listen specs: "udp:127.0.0.1:5060", "tcp:0.0.0.0:5060", "tls:[::1]:5061"; port 0 = ephemeral. */
  listen: string[];
  tls?: TlsFiles;
  /** Host for Via sent-by / Contact when bound to a wildcard address. */
  advertise?: string;
  limits?: Partial<ParseLimits>;
  idleTimeoutMs?: number;
  connectTimeoutMs?: number;
  maxConnections?: number;
  /** TCP/TLS connections accepted from one address (default 256). */
  maxConnectionsPerHost?: number;
  udpRecvBufferBytes?: number;
  trace?: SipTrace;
  filter?: InboundFilter;
  clock?: Clock;
}

const received = metrics.counter("sip_messages_received_total", "SIP messages received, by transport");
const sent = metrics.counter("sip_messages_sent_total", "SIP messages sent, by transport");
const dropped = metrics.counter("sip_messages_dropped_total", "Inbound SIP messages dropped, by reason");
const rejected = metrics.counter("sip_messages_rejected_total", "Inbound SIP requests answered statelessly, by status");
const log = createLogger("sip.transport");
const decoder = new TextDecoder();

type AnyTransport = UdpTransport | StreamTransport;

export class SipTransportLayer extends TypedEmitter<{ message: [InboundMessage]; error: [Error] }> {
  private readonly transports: { spec: { transport: TransportProtocol; host: string }; t: AnyTransport }[] = [];
  private started = false;
  private closed = false;

  constructor(private readonly opts: TransportLayerOptions) {
    super();
    if (opts.listen.length === 0) throw new Error("transport layer needs at least one listen spec");
    const clock = opts.clock ?? systemClock;
    for (const text of opts.listen) {
      const spec = parseListenSpec(text);
      const t: AnyTransport = spec.transport === "udp"
        ? new UdpTransport({ host: spec.host, port: spec.port, recvBufferBytes: opts.udpRecvBufferBytes })
        : new StreamTransport({
            transport: spec.transport, host: spec.host, port: spec.port, tls: opts.tls, clock, limits: opts.limits,
            idleTimeoutMs: opts.idleTimeoutMs ?? 300_000, connectTimeoutMs: opts.connectTimeoutMs ?? 10_000,
            maxConnections: opts.maxConnections ?? 4096, maxConnectionsPerHost: opts.maxConnectionsPerHost ?? 256,
            maxBufferBytes: opts.limits?.maxBytes ?? 65_535,
            maxWriteBufferBytes: 4 * 1024 * 1024,
          });
      const onError = (err: Error) => {
        log.warn("transport error", { err, listen: text });
        this.emit("error", err);
      };
      if (t instanceof StreamTransport) {
        t.on("packet", (data, remote, local) => this.onPacket(data, remote, local));
        t.on("framing-error", (err, remote) => drop(`framing:${err.code}`, err.message, remote));
        t.on("error", onError);
      } else {
        t.on("packet", (data, remote) => this.onPacket(data, remote, t.local));
        t.on("error", onError);
      }
      this.transports.push({ spec, t });
    }
  }

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    try {
      await Promise.all(this.transports.map(({ t }) => t.listen()));
    } catch (err) {
      await this.close();
      throw err;
    }
  }

  /** The bound addresses, port 0 resolved. */
  get bound(): Endpoint[] { return this.transports.map(({ t }) => t.local); }

  isReliable(transport: TransportProtocol): boolean { return isReliable(transport); }

  /** Address to write in Via sent-by and Contact for this transport. */
  localEndpoint(transport: TransportProtocol, family: 4 | 6 = 4): Endpoint {
    const { t } = this.pick(transport, family);
    const local = t.local;
    const wildcard = local.host === "0.0.0.0" || local.host === "::";
    return { ...local, host: this.opts.advertise ?? (wildcard ? firstAddress(family) : local.host) };
  }

  /** Send a request, ACK or stateless message to dest (stream: reusing an open connection to dest). */
  send(message: SipMessage, dest: Destination): Promise<void> {
    return this.transmit(message, dest, true);
  }

  /**
   * Send a response to a request that came from source (RFC 3261 §18.2.2 with RFC 3581 rport): over the request's
   * connection while it is open (and, should that write fail, to received/sent-by), else as the top Via says.
   */
  sendResponse(res: SipResponse, source: Endpoint): Promise<void> {
    const byVia = () => {
      try { return responseDestination(res, source); }
      catch { return source; }
    };
    if (source.transport !== "udp" && this.hasConnection(source)) {
      return this.send(res, source).catch(() => this.send(res, byVia()));
    }
    return this.send(res, byVia());
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const { t } of this.transports) t.close();
    this.removeAllListeners();
  }

  private transmit(message: SipMessage, dest: Destination, traced: boolean): Promise<void> {
    if (this.closed) return Promise.reject(new Error("transport layer closed"));
    let entry;
    try { entry = this.pick(dest.transport, isIP(dest.host) === 6 ? 6 : 4); }
    catch (err) { return Promise.reject(err); }
    const data = message.serialize();
    if (traced) this.opts.trace?.record("out", message, dest, entry.t.local, data);
    sent.inc({ transport: dest.transport });
    return entry.t.send(data, dest.host, dest.port);
  }

  private hasConnection(e: Endpoint): boolean {
    return this.transports.some(({ t }) => t instanceof StreamTransport && t.local.transport === e.transport && t.hasConnection(e.host, e.port));
  }

  private pick(transport: TransportProtocol, family: 4 | 6): { t: AnyTransport } {
    const same = this.transports.filter(({ spec }) => spec.transport === transport);
    const hit = same.find(({ spec }) => (isIP(spec.host) === 6 ? 6 : 4) === family) ?? same[0];
    if (!hit) throw new Error(`no ${transport} transport configured`);
    return hit;
  }

  private onPacket(data: Uint8Array, remote: Endpoint, local: Endpoint): void {
    if (this.closed || isKeepAlive(data)) return;
    received.inc({ transport: remote.transport });
    if (this.opts.filter?.admit && !this.opts.filter.admit(remote)) return drop("rate-limited", "not admitted", remote);
    let message: SipRequest | SipResponse;
    try {
      message = parseMessage(data, this.opts.limits);
    } catch (err) {
      if (err instanceof SipParseError && err.request) this.answerMalformed(err, err.request, remote);
      else drop((err as SipParseError).code ?? "parse", (err as Error).message, remote, data);
      return;
    }
    if (message instanceof SipRequest) {
      try {
        stampReceived(message, remote);
      } catch (err) {
        drop("bad-via", (err as Error).message, remote, data);
        return;
      }
    }
    const verdict = this.opts.filter?.check(message, remote) ?? { action: "pass" };
    if (verdict.action === "drop") return drop(verdict.reason, "filtered", remote);
    if (verdict.action === "reject") {
      if (message instanceof SipRequest && message.method !== "ACK") this.reply(message, verdict.status, verdict.reason, remote);
      return;
    }
    if (verdict.trusted !== false) this.opts.trace?.record("in", message, remote, local, data);
    this.emit("message", { message, remote, local });
  }

  /** 4xx for a broken request, but only to whom the filter would answer at all (no 400s to untrusted strangers). */
  private answerMalformed(err: SipParseError, req: SipRequest, remote: Endpoint): void {
    if (req.method === "ACK") return drop(err.code, err.message, remote);
    let verdict: FilterVerdict = { action: "pass" };
    try { verdict = this.opts.filter?.check(req, remote) ?? verdict; }
    catch { /* too broken to classify: answer like an unfiltered layer would */ }
    if (verdict.action === "drop") return drop(verdict.reason, err.message, remote);
    if (verdict.action === "reject") return this.reply(req, verdict.status, verdict.reason, remote);
    this.reply(req, err.status, err.reason, remote);
  }

  /**
   * Stateless answer, sent straight back to the source (its Via may be the very thing that is broken). Not traced:
   * a flood of rejected requests must not push real calls out of the bounded trace.
   */
  private reply(req: SipRequest, status: number, reason: string, remote: Endpoint): void {
    let res: SipResponse;
    try { res = createResponse(req, status, reason.replace(/[\r\n]/g, " ").slice(0, 120)); }
    catch { return drop("unanswerable", reason, remote); }
    rejected.inc({ status: String(status) });
    this.transmit(res, remote, false).catch((e: Error) => log.debug("stateless reply failed", { err: e, remote }));
  }
}

function drop(reason: string, detail: string, remote?: Endpoint, data?: Uint8Array): void {
  dropped.inc({ reason: reason.split(":")[0] });
  if (!isLogLevelEnabled("debug")) return;
  log.debug("dropped inbound SIP", {
    reason, detail, remote, head: data ? decoder.decode(data.subarray(0, 80)) : undefined,
  });
}

/** CRLF keep-alives (RFC 5626) and NAT keep-alive junk of a few bytes are not SIP and not an error. */
function isKeepAlive(data: Uint8Array): boolean {
  if (data.length > 4) return false;
  return data.every((b) => b === 0x0d || b === 0x0a || b === 0x00 || b === 0x20);
}

function firstAddress(family: 4 | 6): string {
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (!a.internal && a.family === (family === 6 ? "IPv6" : "IPv4")) return a.address;
  }
  return family === 6 ? "::1" : "127.0.0.1";
}
