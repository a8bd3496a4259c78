/**
 * RFC 3261 §12 dialog state: identifiers, route set, CSeq spaces, remote target; builds in-dialog
 * requests (§12.2.1.1) including the ACK for a 2xx (§13.2.2.4) and checks incoming ones (§12.2.2).
 */
import {
  SipHeaders, SipRequest, formatUri, parseNameAddr, type SipResponse, type SipUri,
} from "../message/index.ts";
import type { Endpoint, TransportProtocol } from "../transport/types.ts";
import type { SipResolver } from "../dns/index.ts";
import { resolveUri, uriToEndpoint } from "./next-hop.ts";

export type DialogState = "early" | "confirmed" | "terminated";

export interface DialogInit {
  callId: string;
  localTag: string;
  remoteTag: string;
  /** Raw From (UAC) / To (UAS) header value including our tag. */
  localAddress: string;
  /** Raw To (UAC) / From (UAS) header value including the peer's tag. */
  remoteAddress: string;
  localSeq: number | null;
  remoteSeq: number | null;
  remoteTarget: SipUri;
  /** Route header values in the order they go on requests. */
  routeSet: string[];
  /** Our Contact header value. */
  localContact: string;
  /** True when we sent the dialog-creating INVITE (we own the Call-ID: glare timers). */
  isUac: boolean;
  /** Transport the dialog was created over; used when the next hop URI names none. */
  transport: TransportProtocol;
  state: DialogState;
}

export interface RequestParts {
  headers?: [string, string][];
  body?: Uint8Array;
  contentType?: string;
}

/** Methods whose requests carry our Contact (target refresh or subscription usages). */
const CONTACT_METHODS = new Set(["INVITE", "UPDATE", "REFER", "NOTIFY", "SUBSCRIBE"]);

// Declaration merging: the dialog's state fields are exactly DialogInit's.
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export interface Dialog extends DialogInit {}

export class Dialog {
  constructor(init: DialogInit) {
    Object.assign(this, init);
  }

  get key(): string { return dialogKey(this.callId, this.localTag, this.remoteTag); }

  /** §12.1.2: a UAC dialog from a response with a To tag (1xx = early, 2xx = confirmed). */
  static fromUacResponse(request: SipRequest, res: SipResponse, localContact: string, transport: TransportProtocol): Dialog {
    const remoteTag = res.to.params.get("tag") ?? "";
    return new Dialog({
      callId: request.callId, localTag: request.from.params.get("tag") ?? "", remoteTag,
      localAddress: request.headers.get("From")!, remoteAddress: res.headers.get("To")!,
      localSeq: request.cseq.seq, remoteSeq: null,
      remoteTarget: res.contact[0]?.uri ?? request.uri,
      routeSet: res.headers.getAll("Record-Route").reverse(),
      localContact, isUac: true, transport,
      state: res.status >= 200 ? "confirmed" : "early",
    });
  }

  /** §12.1.1: a UAS dialog from the dialog-creating request and our chosen To tag. */
  static fromUasRequest(request: SipRequest, localTag: string, localContact: string, transport: TransportProtocol): Dialog {
    return new Dialog({
      callId: request.callId, localTag, remoteTag: request.from.params.get("tag") ?? "",
      localAddress: `${request.headers.get("To")!};tag=${localTag}`, remoteAddress: request.headers.get("From")!,
      localSeq: null, remoteSeq: request.cseq.seq,
      remoteTarget: request.contact[0]?.uri ?? request.uri,
      routeSet: request.headers.getAll("Record-Route"),
      localContact, isUac: false, transport, state: "early",
    });
  }

  /** §13.2.2.4: the 2xx confirms an early UAC dialog and recomputes its route set. */
  confirmFromResponse(res: SipResponse): void {
    if (this.isUac && this.state === "early") this.routeSet = res.headers.getAll("Record-Route").reverse();
    this.remoteAddress = res.headers.get("To") ?? this.remoteAddress;
    this.refreshTarget(res);
    this.state = "confirmed";
  }

  /** §12.2: a target refresh request or its 2xx replaces the remote target. */
  refreshTarget(msg: SipRequest | SipResponse): void {
    const contact = msg.contact[0];
    if (contact) this.remoteTarget = contact.uri;
  }

  /** §12.2.2: false when the request's CSeq is lower than the last one (answer 500). */
  acceptRemoteCseq(req: SipRequest): boolean {
    const seq = req.cseq.seq;
    if (this.remoteSeq !== null && seq < this.remoteSeq) return false;
    this.remoteSeq = seq;
    return true;
  }

  /** §12.2.1.1: an in-dialog request with Route set, CSeq (ACK and CANCEL do not consume one). */
  createRequest(method: string, parts: RequestParts = {}): SipRequest {
    this.localSeq ??= 1 + Math.floor(Math.random() * 2 ** 30);
    const seq = method === "ACK" || method === "CANCEL" ? this.localSeq : ++this.localSeq;
    return this.build(method, seq, parts);
  }

  /** §13.2.2.4: ACK for a 2xx; same CSeq number as the INVITE, same credentials. */
  createAck(invite: SipRequest, parts: RequestParts = {}): SipRequest {
    const ack = this.build("ACK", invite.cseq.seq, parts);
    for (const name of ["Authorization", "Proxy-Authorization"]) {
      for (const v of invite.headers.getAll(name)) ack.headers.append(name, v);
    }
    return ack;
  }

  /** First hop for in-dialog requests when it is an IP literal (throws UnroutableUriError for a host name). */
  nextHop(): Endpoint {
    return uriToEndpoint(this.nextHopUri(), this.transport);
  }

  /** First hop for in-dialog requests, host names resolved by RFC 3263 (cached: usually synchronous). */
  resolveNextHop(resolver: SipResolver): Endpoint | Promise<Endpoint> {
    const hops = resolveUri(resolver, this.nextHopUri(), this.transport);
    return Array.isArray(hops) ? hops[0] : hops.then((list) => list[0]);
  }

  /** The top route (loose or strict) or the remote target. */
  private nextHopUri(): SipUri {
    const first = this.routeSet[0];
    return first ? parseNameAddr(first, "Route").uri : this.remoteTarget;
  }

  private build(method: string, seq: number, parts: RequestParts): SipRequest {
    const h = new SipHeaders();
    let requestUri = this.remoteTarget;
    const routes = [...this.routeSet];
    if (routes.length > 0 && !parseNameAddr(routes[0], "Route").uri.params.has("lr")) {
      // Strict router (RFC 2543): it becomes the Request-URI, the remote target goes last in Route.
      requestUri = parseNameAddr(routes.shift()!, "Route").uri;
      requestUri.params.delete("lr");
      routes.push(`<${formatUri(this.remoteTarget)}>`);
    }
    for (const r of routes) h.append("Route", r);
    h.append("Max-Forwards", "70");
    h.append("From", this.localAddress);
    h.append("To", this.remoteAddress);
    h.append("Call-ID", this.callId);
    h.append("CSeq", `${seq} ${method}`);
    if (CONTACT_METHODS.has(method)) h.append("Contact", this.localContact);
    for (const [n, v] of parts.headers ?? []) h.append(n, v);
    if (parts.body && parts.body.length > 0 && parts.contentType) h.set("Content-Type", parts.contentType);
    return new SipRequest(method, { ...requestUri, params: new Map(requestUri.params), headers: new Map() }, h, parts.body);
  }
}

export function dialogKey(callId: string, localTag: string, remoteTag: string): string {
  return `${callId}\n${localTag}\n${remoteTag}`;
}
