/** OPTIONS keep-alive to one trunk: any response means up; a timeout or transport failure means down. */
import { SipHeaders, SipRequest, generateCallId, generateTag, parseUri, type SipUri } from "../message/index.ts";
import type { TransactionLayer } from "../transaction/index.ts";
import { bracketHost, type Endpoint } from "../transport/types.ts";
import { uriToEndpoint } from "../dialog/index.ts";
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
  /** Default: from the target URI. */
  destination?: Endpoint;
  intervalS: number;
}

export type TrunkState = "unknown" | "up" | "down";

export class OptionsPinger extends TypedEmitter<{ state: [up: boolean, status: number]; closed: [] }> {
  state: TrunkState = "unknown";
  /** Status of the last answer (408/503 when made locally). */
  lastStatus: number | null = null;
  private readonly target: SipUri;
  private readonly destination: Endpoint;
  private readonly callId: string;
  private readonly fromTag = generateTag();
  private seq = 0;
  private timer: TimerHandle | undefined;
  private closed = false;

  constructor(private readonly transactions: TransactionLayer, private readonly ctx: CallContext, private readonly opts: TrunkPingOptions) {
    super();
    if (!(opts.intervalS > 0)) throw new RangeError("intervalS must be positive");
    this.target = parseUri(opts.target);
    this.destination = opts.destination ?? uriToEndpoint(this.target);
    this.callId = generateCallId(bracketHost(this.destination.host));
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
    const contact = this.ctx.contact(this.destination.transport);
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
    let status: number;
    let local = false;
    try {
      const tx = this.transactions.sendRequest(new SipRequest("OPTIONS", { ...this.target, params: new Map(this.target.params), headers: new Map() }, h), this.destination);
      tx.once("timeout", () => { local = true; });
      tx.once("transport-error", () => { local = true; });
      status = (await finalResponse(tx)).status;
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
}
