/** APP: application-defined packet kept opaque (RFC 3550 §6.7). */
import { readUint32, writeUint32 } from "../rtp/header-view.ts";
import { allocatePacket, ensure, readFrame, RtcpType } from "./common.ts";

export class RtcpApp {
  readonly type = "app";
  constructor(
    public subtype: number,
    public ssrc: number,
    /** Four ASCII characters. */
    public name: string,
    public data: Uint8Array = new Uint8Array(0),
  ) {}

  static deSerialize(buf: Uint8Array): RtcpApp {
    const { count, body } = readFrame(buf, RtcpType.APP);
    ensure(body.length >= 8, "truncated", "APP shorter than SSRC + name");
    return new RtcpApp(count, readUint32(body, 0), String.fromCharCode(...body.subarray(4, 8)), body.slice(8));
  }

  serialize(): Uint8Array {
    if (this.name.length !== 4) throw new RangeError("APP name must be 4 characters");
    const out = allocatePacket(this.subtype, RtcpType.APP, 8 + this.data.length);
    writeUint32(out, 4, this.ssrc);
    for (let k = 0; k < 4; k++) out[8 + k] = this.name.charCodeAt(k) & 0xff;
    out.set(this.data, 12);
    return out;
  }
}
