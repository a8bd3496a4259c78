/**
 * OPTIONS keep-alive to one trunk: any response means up; a timeout or transport failure means down. A host name is
 * resolved by RFC 3263 before each ping, which keeps the trunk's DNS answers cached for its calls; when a hop times
 * out or fails, the next one is pinged (§4.3): the trunk is up while any of its hops answers.
 */
import { SipHeaders, SipRequest, generateCallId, generateTag, parseUri, type SipResponse, type SipUri } from "../message/index.ts";
import type { TransactionLayer } from "../transaction/index.ts";
import type { Endpoint } from "../transport/types.ts";
import { hopQuery } from "../dialog/index.ts";
import type { HostQuery } from "../dns/index.ts";
import type { TimerHandle } from "../../util/clock.ts";
import { TypedEmitter } from "../../util/typed-emitter.ts";
import type { CallContext } from "./call-context.ts";
import { ACCEPT_HEADER, ALLOW_HEADER } from "./capabilities.ts";
import { finalResponse } from "./request-sender.ts";
import { metrics } from "../../observability/metrics.ts";

const trunkUp = metrics.gauge("sip_trunk_up", "1 when the trunk answered the last OPTIONS ping, 0 when it did not");

export interface TrunkPingOptions {
  name: string;
  /** Request-URI of the OPTIONS, e.g. "sip:192.0.2.10:5060". */
  target: string;
  /** Default: from the target URI (RFC 3263, host names via DNS). */
  destination?: Endpoint;
  intervalS: number;
}

export type TrunkState = "unknown" | "up" | "down";

export class OptionsPinger extends TypedEmitter<{ state: [up: boolean, status: number]; closed: [] }> {
  state: TrunkState = "unknown";
  /** Status of the last answer (408/503 when made locally). */
  lastStatus: number | null = null;
  private readonly target: SipUri;
  /** What to resolve when no destination was given. */
  private readonly query: HostQuery | null;
  private readonly callId: string;
  private readonly fromTag = generateTag();
  private seq = 0;
  private timer: TimerHandle | undefined;
  private closed = false;

  constructor(private readonly transactions: TransactionLayer, private readonly ctx: CallContext, private readonly opts: TrunkPingOptions) {
    super();
    if (!(opts.intervalS > 0)) throw new RangeError("intervalS must be positive");
    this.target = parseUri(opts.target);
    this.query = opts.destination ? null : hopQuery(this.target);
    this.callId = generateCallId(this.target.host);
  }

  start(): void {
    void this.ping();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.ctx.clock.clearTimeout(this.timer);
    this.emit("closed");
  }

  /** One OPTIONS now; resolves with the status (also the basis of the up/down state). */
  async ping(): Promise<number> {
    this.ctx.clock.clearTimeout(this.timer);
    let status: number;
    let local = false;
    try {
      const hops = this.query ? await this.ctx.resolver.resolve(this.query) : [this.opts.destination!];
      ({ status, local } = await this.pingFirstAnswering(hops));
    } catch (err) {
      this.ctx.log.warn("OPTIONS ping failed", { trunk: this.opts.name, err });
      status = 503;
      local = true;
    }
    if (this.closed) return status;
    this.lastStatus = status;
    const next: TrunkState = local ? "down" : "up";
    trunkUp.set(local ? 0 : 1, { trunk: this.opts.name });
    if (next !== this.state) {
      this.state = next;
      this.emit("state", next === "up", status);
    }
    this.timer = this.ctx.clock.setTimeout(() => void this.ping(), this.opts.intervalS * 1000);
    return status;
  }

  /** The hops in order until one answers; `local`: no hop did (the status was made here: timeout, transport error). */
  private async pingFirstAnswering(hops: Endpoint[]): Promise<{ status: number; local: boolean }> {
    let result = { status: 503, local: true };
    for (const hop of hops) {
      if (this.closed) break;
      result = await this.send(hop).catch((err) => {
        this.ctx.log.warn("OPTIONS ping not sent", { trunk: this.opts.name, hop, err });
        return { status: 503, local: true };
      });
      if (!result.local) break;
    }
    return result;
  }

  private async send(destination: Endpoint): Promise<{ status: number; local: boolean }> {
    const contact = this.ctx.contact(destination.transport);
    const h = new SipHeaders();
    h.append("Max-Forwards", "70");
    h.append("From", `${contact};tag=${this.fromTag}`);
    h.append("To", `<${this.opts.target}>`);
    h.append("Call-ID", this.callId);
    h.append("CSeq", `${++this.seq} OPTIONS`);
    h.append("Contact", contact);
    h.append("Allow", ALLOW_HEADER);
    h.append("Accept", ACCEPT_HEADER);
    h.append("Supported", this.ctx.supported.join(", "));
    if (this.ctx.userAgent) h.append("User-Agent", this.ctx.userAgent);
    let local = false;
    const tx = this.transactions.sendRequest(new SipRequest("OPTIONS", { ...this.target, params: new Map(this.target.params), headers: new Map() }, h), destination);
    tx.once("timeout", () => { local = true; });
    tx.once("transport-error", () => { local = true; });
    const response: SipResponse = await finalResponse(tx);
    return { status: response.status, local };
  }
}
