/** BYE: SSRCs leaving, optional reason (RFC 3550 §6.6). */
import { readUint32, writeUint32 } from "../rtp/header-view.ts";
import { allocatePacket, ensure, readFrame, RtcpType } from "./common.ts";

export class RtcpBye {
  readonly type = "bye";
  constructor(public ssrcs: number[] = [], public reason?: string) {}

  static deSerialize(buf: Uint8Array): RtcpBye {
    const { count, body } = readFrame(buf, RtcpType.BYE);
    ensure(body.length >= count * 4, "bad-count", "BYE SSRC count exceeds packet");
    const ssrcs: number[] = [];
    for (let k = 0; k < count; k++) ssrcs.push(readUint32(body, k * 4));
    let reason: string | undefined;
    const r = count * 4;
    if (r < body.length) {
      ensure(r + 1 + body[r] <= body.length, "bad-item", "BYE reason overruns packet");
      reason = new TextDecoder().decode(body.subarray(r + 1, r + 1 + body[r]));
    }
    return new RtcpBye(ssrcs, reason);
  }

  serialize(): Uint8Array {
    const reason = this.reason === undefined ? null : new TextEncoder().encode(this.reason);
    if (reason && reason.length > 255) throw new RangeError("BYE reason longer than 255 bytes");
    const reasonLen = reason ? (1 + reason.length + 3) & ~3 : 0;
    const out = allocatePacket(this.ssrcs.length, RtcpType.BYE, this.ssrcs.length * 4 + reasonLen);
    this.ssrcs.forEach((s, k) => writeUint32(out, 4 + k * 4, s));
    if (reason) {
      const r = 4 + this.ssrcs.length * 4;
      out[r] = reason.length;
      out.set(reason, r + 1);
    }
    return out;
  }
}
