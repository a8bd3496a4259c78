/** In-memory TransactionTransport: records what the transaction layer sends, injects what it receives. */
import { parseMessage, type SipMessage, type SipRequest, type SipResponse } from "../../../../src/sip/message/index.ts";
import type { TransactionTransport } from "../../../../src/sip/transaction/index.ts";
import type { Destination, Endpoint, InboundMessage, TransportProtocol } from "../../../../src/sip/transport/index.ts";
import { TypedEmitter } from "../../../../src/util/typed-emitter.ts";

export const PEER: Endpoint = { transport: "udp", host: "127.0.0.2", port: 5070 };
export const LOCAL: Endpoint = { transport: "udp", host: "127.0.0.1", port: 5060 };

export interface SentRecord { message: SipMessage; dest: Destination; kind: "send" | "response" }

export class FakeTransport extends TypedEmitter<{ message: [InboundMessage] }> implements TransactionTransport {
  readonly sent: SentRecord[] = [];
  reliable = false;
  /** When set, every send fails with this error. */
  failure: Error | null = null;

  send(message: SipMessage, dest: Destination): Promise<void> {
    this.sent.push({ message, dest, kind: "send" });
    return this.failure ? Promise.reject(this.failure) : Promise.resolve();
  }
  sendResponse(res: SipResponse, source: Endpoint): Promise<void> {
    this.sent.push({ message: res, dest: source, kind: "response" });
    return this.failure ? Promise.reject(this.failure) : Promise.resolve();
  }
  localEndpoint(transport: TransportProtocol): Endpoint { return { ...LOCAL, transport }; }
  isReliable(): boolean { return this.reliable; }

  inject(message: SipRequest | SipResponse | string, remote: Endpoint = PEER): void {
    const msg = typeof message === "string" ? parseMessage(new TextEncoder().encode(message)) : message;
    this.emit("message", { message: msg, remote, local: LOCAL });
  }

  requests(method?: string): SipRequest[] {
    return this.sent.map((s) => s.message).filter((m): m is SipRequest => "method" in m && (!method || (m as SipRequest).method === method));
  }
  responses(status?: number): SipResponse[] {
    return this.sent.map((s) => s.message).filter((m): m is SipResponse => "status" in m && (!status || (m as SipResponse).status === status));
  }
  clear(): void { this.sent.length = 0; }
}

/** A request as text; `via` is the full top Via value. */
export function requestText(method: string, opts: { via?: string; callId?: string; cseq?: number; toTag?: string; fromTag?: string } = {}): string {
  const via = opts.via ?? "SIP/2.0/UDP 127.0.0.2:5070;branch=z9hG4bKpeer1";
  return [
    `${method} sip:bob@127.0.0.1:5060 SIP/2.0`,
    `Via: ${via}`,
    "Max-Forwards: 70",
    `From: <sip:alice@127.0.0.2>;tag=${opts.fromTag ?? "ftag1"}`,
    `To: <sip:bob@127.0.0.1>${opts.toTag ? `;tag=${opts.toTag}` : ""}`,
    `Call-ID: ${opts.callId ?? "call-1@127.0.0.2"}`,
    `CSeq: ${opts.cseq ?? 1} ${method}`,
    "Contact: <sip:alice@127.0.0.2:5070>",
    "Content-Length: 0",
    "", "",
  ].join("\r\n");
}

/** A response to `req` as text, copying its Vias, From, To (+ tag), Call-ID and CSeq. */
export function responseText(req: SipRequest, status: number, reason: string, toTag?: string): string {
  const lines = [`SIP/2.0 ${status} ${reason}`];
  for (const v of req.headers.getAll("Via")) lines.push(`Via: ${v}`);
  lines.push(`From: ${req.headers.get("From")}`);
  lines.push(`To: ${req.headers.get("To")}${toTag ? `;tag=${toTag}` : ""}`);
  lines.push(`Call-ID: ${req.headers.get("Call-ID")}`, `CSeq: ${req.headers.get("CSeq")}`, "Content-Length: 0", "", "");
  return lines.join("\r\n");
}

/** An outgoing request for a client transaction (no Via: the layer adds it). */
export function outgoingRequest(method: string, callId = "out-1@127.0.0.1"): SipRequest {
  const text = requestText(method, { callId });
  const req = parseMessage(new TextEncoder().encode(text)) as SipRequest;
  req.headers.delete("Via");
  return req;
}
