/**
 * Two (or more) user agents wired through an in-memory "wire": every message is serialized and parsed again,
 * delivered asynchronously, optionally dropped, and logged as "from->to FIRSTLINE" for assertions.
 */
import { parseMessage, type SipMessage, SipRequest, type SipResponse } from "../../../../src/sip/message/index.ts";
import { TransactionLayer, type TransactionTransport } from "../../../../src/sip/transaction/index.ts";
import type { Destination, Endpoint, InboundMessage, TransportProtocol } from "../../../../src/sip/transport/index.ts";
import { SipUserAgent, type UserAgentOptions } from "../../../../src/sip/index.ts";
import { TypedEmitter } from "../../../../src/util/typed-emitter.ts";
import { FakeClock } from "../../../support/fake-clock.ts";

export interface WireRecord { from: string; to: string; message: SipMessage; line: string }

export class MemoryNetwork {
  readonly clock = new FakeClock();
  readonly log: WireRecord[] = [];
  /** Return true to lose a message. */
  drop: ((m: SipMessage) => boolean) | null = null;
  private readonly nodes = new Map<string, MemoryTransport>();

  attach(name: string, host: string, port = 5060): MemoryTransport {
    const t = new MemoryTransport(this, name, { transport: "udp", host, port });
    this.nodes.set(`${host}:${port}`, t);
    return t;
  }

  deliver(from: MemoryTransport, message: SipMessage, dest: Endpoint): void {
    const to = this.nodes.get(`${dest.host}:${dest.port}`);
    let copy: SipRequest | SipResponse;
    try { copy = parseMessage(message.serialize()); }
    catch { return; }     // the real transport layer answers or drops what does not parse
    const line = copy instanceof SipRequest ? `${copy.method}` : `${(copy as SipResponse).status} ${copy.cseq.method}`;
    this.log.push({ from: from.name, to: to?.name ?? `${dest.host}:${dest.port}`, message: copy, line });
    if (!to || this.drop?.(copy)) return;
    queueMicrotask(() => to.emit("message", { message: copy, remote: from.local, local: to.local }));
  }

  /** "A>B INVITE" lines, optionally only those matching a filter. */
  lines(filter?: (r: WireRecord) => boolean): string[] {
    return this.log.filter((r) => !filter || filter(r)).map((r) => `${r.from}>${r.to} ${r.line}`);
  }

  /** Lets every queued delivery (and what it triggers) happen. */
  settle(): Promise<void> {
    return new Promise((resolve) => setImmediate(resolve));
  }

  /** Advance the fake clock in steps, letting deliveries happen in between. */
  async advance(ms: number, step = 100): Promise<void> {
    for (let t = 0; t < ms; t += step) {
      this.clock.advance(Math.min(step, ms - t));
      await this.settle();
    }
  }
}

export class MemoryTransport extends TypedEmitter<{ message: [InboundMessage] }> implements TransactionTransport {
  constructor(private readonly net: MemoryNetwork, readonly name: string, readonly local: Endpoint) { super(); }
  override emit<K extends "message">(event: K, ...args: { message: [InboundMessage] }[K]): void { super.emit(event, ...args); }
  send(message: SipMessage, dest: Destination): Promise<void> {
    this.net.deliver(this, message, dest);
    return Promise.resolve();
  }
  sendResponse(res: SipResponse, source: Endpoint): Promise<void> {
    this.net.deliver(this, res, source);
    return Promise.resolve();
  }
  localEndpoint(transport: TransportProtocol): Endpoint { return { ...this.local, transport }; }
  isReliable(t: TransportProtocol): boolean { return t !== "udp"; }
}

export function makeUa(net: MemoryNetwork, name: string, host: string, opts: Partial<UserAgentOptions> = {}): SipUserAgent {
  const transport = net.attach(name, host);
  const transactions = new TransactionLayer({ transport, clock: net.clock });
  return new SipUserAgent({ transactions, transport, clock: net.clock, ...opts });
}

export const SDP_A = "v=0\r\no=a 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\nm=video 4002 RTP/AVP 97\r\n";
export const SDP_B = "v=0\r\no=b 1 1 IN IP4 127.0.0.2\r\ns=-\r\nc=IN IP4 127.0.0.2\r\nt=0 0\r\nm=audio 5000 RTP/AVP 0\r\nm=video 5002 RTP/AVP 97\r\n";
