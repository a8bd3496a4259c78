/**
 * Bridge: forwards RTP between two MediaEndpoints of the same m-line kind, mapping payload types per direction.
 * SSRC/sequence/timestamp continuity is kept by each endpoint's outbound rewriter. RTCP is not forwarded
 * here: the session layer reads the endpoints' "rtcp"/"rtcp-feedback" events and answers with sendRtcp().
 * The bridge owns both endpoints: closing it closes them, and either closing closes the bridge.
 */
import { TypedEmitter } from "../../util/typed-emitter.ts";
import type { RtpHeaderView } from "../rtp/index.ts";
import type { MediaEndpoint, RtpSink } from "./media-endpoint.ts";
import type { RelayBridge } from "./relay-leg.ts";
import { DROP_PAYLOAD_TYPE, PayloadTypeMap, type PayloadTypeMapping } from "./payload-type-map.ts";

export interface BridgeDirectionOptions {
  /** from PT -> to PT (null drops); e.g. telephone-event { 101: 96 }. */
  payloadTypes?: PayloadTypeMapping;
  /** Drop PTs not listed in payloadTypes (only negotiated codecs pass). */
  dropUnlisted?: boolean;
}

export interface BridgeOptions {
  aToB?: BridgeDirectionOptions;
  bToA?: BridgeDirectionOptions;
}

export type BridgeDirection = "aToB" | "bToA";

export class Bridge extends TypedEmitter<{ closed: [] }> implements RelayBridge {
  private aToB: PayloadTypeMap;
  private bToA: PayloadTypeMap;
  private isClosed = false;

  constructor(readonly a: MediaEndpoint, readonly b: MediaEndpoint, opts: BridgeOptions = {}) {
    super();
    if (a.closed || b.closed) throw new Error("cannot bridge a closed endpoint");
    if (a.kind !== b.kind) throw new Error(`cannot bridge ${a.kind} with ${b.kind}`);
    this.aToB = new PayloadTypeMap(opts.aToB?.payloadTypes, opts.aToB?.dropUnlisted);
    this.bToA = new PayloadTypeMap(opts.bToA?.payloadTypes, opts.bToA?.dropUnlisted);
    a.sink = this.fromA;
    b.sink = this.fromB;
    a.on("closed", this.close);
    b.on("closed", this.close);
  }

  get closed(): boolean { return this.isClosed; }

  /** New payload type mapping for one direction (after a re-INVITE changed the numbers). */
  setPayloadTypes(direction: BridgeDirection, opts: BridgeDirectionOptions): void {
    const map = new PayloadTypeMap(opts.payloadTypes, opts.dropUnlisted);
    if (direction === "aToB") this.aToB = map;
    else this.bToA = map;
  }

  /** Next packet each way starts a new source for the rewriters (a peer restarted its stream, same SSRC). */
  resync(): void {
    this.a.rewriter.resync();
    this.b.rewriter.resync();
  }

  readonly close = (): void => {
    if (this.isClosed) return;
    this.isClosed = true;
    this.a.sink = null;
    this.b.sink = null;
    this.a.close();
    this.b.close();
    this.emit("closed");
    this.removeAllListeners();
  };

  private readonly fromA: RtpSink = (view, from, now) => this.forward(view, from, this.aToB, this.b, now);
  private readonly fromB: RtpSink = (view, from, now) => this.forward(view, from, this.bToA, this.a, now);

  private forward(view: RtpHeaderView, from: MediaEndpoint, map: PayloadTypeMap, to: MediaEndpoint, now: number): void {
    const pt = view.payloadType;
    const out = map.map(pt);
    if (out === DROP_PAYLOAD_TYPE) return from.drop("payload-type");
    if (out !== pt) view.payloadType = out;
    to.sendRtp(view.buffer, view.payloadLength, now);
  }
}
