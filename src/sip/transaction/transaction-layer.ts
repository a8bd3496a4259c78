/**
 * RFC 3261 §17 transaction layer: creates client transactions for outgoing requests, matches responses to them,
 * absorbs request retransmissions in server transactions, answers CANCEL, and hands the rest to the TU.
 */
import { isIP } from "node:net";
import { createResponse, generateBranch, type SipMessage, SipRequest, type SipResponse } from "../message/index.ts";
import type { Destination, Endpoint, InboundMessage } from "../transport/types.ts";
import { bracketHost } from "../transport/types.ts";
import { type Clock, systemClock } from "../../util/clock.ts";
import { TypedEmitter } from "../../util/typed-emitter.ts";
import { createLogger } from "../../observability/log.ts";
import type { ClientTransaction } from "./client-transaction.ts";
import type { TransactionContext, TransactionTransport } from "./context.ts";
import { InviteClientTransaction } from "./invite-client.ts";
import { InviteServerTransaction, setToTag } from "./invite-server.ts";
import { clientKey, dialogAckKey, responseClientKey, serverKey } from "./keys.ts";
import { NonInviteClientTransaction } from "./non-invite-client.ts";
import { NonInviteServerTransaction } from "./non-invite-server.ts";
import type { ServerTransaction } from "./server-transaction.ts";
import { DEFAULT_TIMERS, type TimerSettings } from "./timers.ts";

const log = createLogger("sip.transaction");

export interface TransactionLayerOptions {
  transport: TransactionTransport;
  clock?: Clock;
  timers?: Partial<TimerSettings>;
  /** Server transactions kept at most; beyond it new requests get a stateless 503. */
  maxServerTransactions?: number;
}

export interface TransactionLayerEvents {
  /** A new request (never ACK or CANCEL) with its server transaction; retransmissions are absorbed. */
  request: [req: SipRequest, tx: ServerTransaction, source: Endpoint];
  /** An ACK that is not for a non-2xx final, i.e. the ACK for a 2xx; tx = the INVITE transaction it matched. */
  ack: [ack: SipRequest, source: Endpoint, tx: InviteServerTransaction | undefined];
  /** A response that matches no client transaction (2xx retransmission after Timer M, unknown branch). */
  "stray-response": [res: SipResponse, source: Endpoint];
}

export class TransactionLayer extends TypedEmitter<TransactionLayerEvents> {
  readonly timers: TimerSettings;
  private readonly transport: TransactionTransport;
  private readonly ctx: TransactionContext;
  private readonly clients = new Map<string, ClientTransaction>();
  private readonly servers = new Map<string, ServerTransaction>();
  private readonly awaitingAck = new Map<string, InviteServerTransaction>();
  private readonly ackKeyOf = new WeakMap<InviteServerTransaction, string>();
  private readonly maxServers: number;
  private readonly onMessage = (m: InboundMessage) => this.receive(m);
  private closed = false;

  constructor(opts: TransactionLayerOptions) {
    super();
    this.transport = opts.transport;
    this.timers = { ...DEFAULT_TIMERS, ...opts.timers };
    this.maxServers = opts.maxServerTransactions ?? 100_000;
    this.ctx = {
      transport: opts.transport,
      clock: opts.clock ?? systemClock,
      timers: this.timers,
      sendRequest: (req, dest) => this.sendRequest(req, dest),
      terminated: (tx) => this.forget(tx as ClientTransaction | ServerTransaction),
    };
    this.transport.on("message", this.onMessage);
  }

  get clientCount(): number { return this.clients.size; }
  get serverCount(): number { return this.servers.size; }

  /**
   * Start a client transaction. A request without Via gets one (sent-by = our address for dest.transport,
   * new branch, ;rport); a missing Max-Forwards becomes 70. ACK has no transaction: use sendStateless.
   */
  sendRequest(req: SipRequest, dest: Destination): ClientTransaction {
    if (req.method === "ACK") throw new TypeError("ACK is sent with sendStateless, not in a client transaction");
    if (this.closed) throw new Error("transaction layer closed");
    const branch = this.prepare(req, dest);
    const key = clientKey(branch, req.method);
    const tx = req.method === "INVITE"
      ? new InviteClientTransaction(this.ctx, req, dest, key, branch, "calling")
      : new NonInviteClientTransaction(this.ctx, req, dest, key, branch, "trying");
    this.clients.set(key, tx);
    tx.start();
    return tx;
  }

  /** Send outside any transaction (ACK for a 2xx, stateless replies); a request without Via gets one. */
  sendStateless(msg: SipMessage, dest: Destination): Promise<void> {
    if (msg instanceof SipRequest) this.prepare(msg, dest);
    return this.transport.send(msg, dest);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.transport.off("message", this.onMessage);
    for (const tx of [...this.clients.values(), ...this.servers.values()]) tx.terminate();
    this.clients.clear();
    this.servers.clear();
    this.awaitingAck.clear();
    this.removeAllListeners();
  }

  private prepare(req: SipRequest, dest: Destination): string {
    if (!req.headers.has("Max-Forwards")) req.headers.append("Max-Forwards", "70");
    if (req.headers.has("Via")) {
      const branch = req.topVia.params.get("branch");
      if (!branch) throw new TypeError("top Via has no branch");
      return branch;
    }
    const local = this.transport.localEndpoint(dest.transport, isIP(dest.host) === 6 ? 6 : 4);
    const branch = generateBranch();
    req.headers.prepend("Via",
      `SIP/2.0/${dest.transport.toUpperCase()} ${bracketHost(local.host)}:${local.port};branch=${branch};rport`);
    return branch;
  }

  private receive({ message, remote }: InboundMessage): void {
    try {
      if (message instanceof SipRequest) this.receiveRequest(message, remote);
      else this.receiveResponse(message as SipResponse, remote);
    } catch (err) {
      log.warn("dropped message the transaction layer could not match", { err, remote });
    }
  }

  private receiveResponse(res: SipResponse, source: Endpoint): void {
    const key = responseClientKey(res);
    const tx = key ? this.clients.get(key) : undefined;
    if (tx) tx.receive(res);
    else this.emit("stray-response", res, source);
  }

  private receiveRequest(req: SipRequest, source: Endpoint): void {
    const key = serverKey(req);
    const existing = this.servers.get(key);
    if (req.method === "ACK") return this.receiveAck(req, source, existing);
    if (existing) return existing.receive(req);
    if (this.servers.size >= this.maxServers) {
      this.transport.sendResponse(createResponse(req, 503, "Service Unavailable"), source).catch(() => {});
      return;
    }
    if (req.method === "CANCEL") return this.receiveCancel(req, source, key);
    if (req.method === "INVITE") {
      const tx = new InviteServerTransaction(this.ctx, req, source, key, "proceeding");
      this.servers.set(key, tx);
      const ackKey = dialogAckKey(req);
      this.awaitingAck.set(ackKey, tx);
      this.ackKeyOf.set(tx, ackKey);
      tx.start();
      this.emit("request", req, tx, source);
    } else {
      const tx = new NonInviteServerTransaction(this.ctx, req, source, key, "trying");
      this.servers.set(key, tx);
      this.emit("request", req, tx, source);
    }
  }

  private receiveAck(ack: SipRequest, source: Endpoint, tx: ServerTransaction | undefined): void {
    if (tx instanceof InviteServerTransaction && (tx.state === "completed" || tx.state === "confirmed")) {
      tx.receive(ack);      // ACK for our non-2xx: the transaction's business only
      return;
    }
    const accepted = tx instanceof InviteServerTransaction ? tx : this.awaitingAck.get(dialogAckKey(ack));
    accepted?.ack2xx(ack);
    this.emit("ack", ack, source, accepted);
  }

  /** RFC 3261 §9.2: 200 to a CANCEL that matches a pending INVITE (which then gets 487), else 481. */
  private receiveCancel(cancel: SipRequest, source: Endpoint, key: string): void {
    const tx = new NonInviteServerTransaction(this.ctx, cancel, source, key, "trying");
    this.servers.set(key, tx);
    const invite = this.servers.get(serverKey(cancel, "INVITE"));
    if (!(invite instanceof InviteServerTransaction)) {
      tx.respond(createResponse(cancel, 481, "Call/Transaction Does Not Exist"));
      return;
    }
    const ok = createResponse(cancel, 200, "OK");
    setToTag(ok, invite.responseTag());
    tx.respond(ok);
    invite.cancel(cancel);
  }

  private forget(tx: ClientTransaction | ServerTransaction): void {
    if (this.clients.get(tx.key) === tx) this.clients.delete(tx.key);
    if (this.servers.get(tx.key) === tx) this.servers.delete(tx.key);
    const ackKey = tx instanceof InviteServerTransaction ? this.ackKeyOf.get(tx) : undefined;
    if (ackKey !== undefined && this.awaitingAck.get(ackKey) === tx) this.awaitingAck.delete(ackKey);
  }
}
