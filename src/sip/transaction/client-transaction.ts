/** Common part of the client transactions (RFC 3261 §17.1): sending, retransmission, timeout, termination. */
import { createResponse, type SipRequest, type SipResponse } from "../message/index.ts";
import type { Destination } from "../transport/types.ts";
import { TypedEmitter } from "../../util/typed-emitter.ts";
import type { TransactionContext } from "./context.ts";
import { TimerSet } from "./timers.ts";

export type ClientTransactionState = "calling" | "trying" | "proceeding" | "completed" | "accepted" | "terminated";

export interface ClientTransactionEvents {
  provisional: [res: SipResponse];
  /** Final response; for INVITE, each 2xx (retransmissions, forks) comes here and must be ACKed by the TU. */
  final: [res: SipResponse];
  /** No final response in time (Timer B / F): a locally made 408. */
  timeout: [res408: SipResponse];
  /** The transport failed; treat as 503 (RFC 3261 §8.1.3.1). */
  "transport-error": [err: Error];
  terminated: [];
}

export abstract class ClientTransaction extends TypedEmitter<ClientTransactionEvents> {
  state: ClientTransactionState;
  readonly key: string;
  readonly branch: string;
  protected readonly timers: TimerSet;
  protected readonly reliable: boolean;

  constructor(
    protected readonly ctx: TransactionContext,
    readonly request: SipRequest,
    readonly destination: Destination,
    key: string,
    branch: string,
    initial: ClientTransactionState,
  ) {
    super();
    this.key = key;
    this.branch = branch;
    this.state = initial;
    this.timers = new TimerSet(ctx.clock);
    this.reliable = ctx.transport.isReliable(destination.transport);
  }

  /** Sends the request and starts the timers; called once by the layer. */
  abstract start(): void;
  abstract receive(res: SipResponse): void;

  protected send(req: SipRequest): void {
    this.ctx.transport.send(req, this.destination).catch((err: Error) => this.fail(err));
  }

  protected fail(err: Error): void {
    if (this.state === "terminated") return;
    this.emit("transport-error", err);
    this.terminate();
  }

  protected timeout(): void {
    if (this.state === "terminated") return;
    this.emit("timeout", createResponse(this.request, 408, "Request Timeout"));
    this.terminate();
  }

  /** Retransmit at `interval`, then at next(interval), while `active()` holds. */
  protected retransmitEvery(name: string, interval: number, next: (ms: number) => number, active: () => boolean): void {
    this.timers.start(name, interval, () => {
      if (!active()) return;
      this.send(this.request);
      this.retransmitEvery(name, next(interval), next, active);
    });
  }

  terminate(): void {
    if (this.state === "terminated") return;
    this.state = "terminated";
    this.timers.stopAll();
    this.ctx.terminated(this);
    this.emit("terminated");
    this.removeAllListeners();
  }
}
