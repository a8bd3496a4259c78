/** Any packet type / feedback format not modelled here, kept byte-exact so it can be forwarded or logged. */
import { readFrame } from "./common.ts";

export class RtcpUnknown {
  readonly type = "unknown";
  constructor(public packetType: number, public count: number, public raw: Uint8Array) {}
  static deSerialize(buf: Uint8Array): RtcpUnknown {
    const f = readFrame(buf);
    return new RtcpUnknown(f.packetType, f.count, buf.slice());
  }
  serialize(): Uint8Array { return this.raw.slice(); }
}
