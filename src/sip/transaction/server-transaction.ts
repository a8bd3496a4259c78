/** Common part of the server transactions (RFC 3261 §17.2): response sending and termination. */
import type { SipRequest, SipResponse } from "../message/index.ts";
import type { Endpoint } from "../transport/types.ts";
import { TypedEmitter } from "../../util/typed-emitter.ts";
import type { TransactionContext } from "./context.ts";
import { TimerSet } from "./timers.ts";

export type ServerTransactionState = "trying" | "proceeding" | "completed" | "confirmed" | "accepted" | "terminated";

export interface ServerTransactionEvents {
  /** INVITE: a CANCEL matched; 200 (CANCEL) and 487 (INVITE) were already sent. */
  cancelled: [cancel: SipRequest];
  /** INVITE: the ACK for our final response (non-2xx, or 2xx matched by the layer). */
  acked: [ack: SipRequest];
  /** INVITE: no ACK for our final response within 64*T1 (Timer H, or Timer L for a 2xx): the TU should BYE. */
  "ack-timeout": [];
  "transport-error": [err: Error];
  terminated: [];
}

export abstract class ServerTransaction extends TypedEmitter<ServerTransactionEvents> {
  state: ServerTransactionState;
  finalResponse: SipResponse | undefined;
  protected lastProvisional: SipResponse | undefined;
  protected readonly timers: TimerSet;
  protected readonly reliable: boolean;

  constructor(
    protected readonly ctx: TransactionContext,
    readonly request: SipRequest,
    readonly source: Endpoint,
    readonly key: string,
    initial: ServerTransactionState,
  ) {
    super();
    this.state = initial;
    this.timers = new TimerSet(ctx.clock);
    this.reliable = ctx.transport.isReliable(source.transport);
  }

  get method(): string { return this.request.method; }

  /** Send a response from the TU; false (nothing sent) once a final response went out. */
  abstract respond(res: SipResponse): boolean;
  /** A retransmission of the request (or, for INVITE, an ACK with the same branch). */
  abstract receive(req: SipRequest): void;

  protected send(res: SipResponse): void {
    this.ctx.transport.sendResponse(res, this.source).catch((err: Error) => {
      if (this.state === "terminated") return;
      this.emit("transport-error", err);
      this.terminate();
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
