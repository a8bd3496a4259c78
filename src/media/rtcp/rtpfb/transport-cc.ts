/** Transport-wide congestion control feedback (draft-holmer-rmcat-transport-wide-cc-extensions-01), FCI kept opaque. */
import { RtcpType } from "../common.ts";
import { allocateFeedback, readFeedback, RtpfbFormat } from "../feedback.ts";

export class TransportWideCc {
  readonly type = "twcc";
  constructor(public senderSsrc: number, public mediaSsrc: number, public fci: Uint8Array) {}
  static deSerialize(buf: Uint8Array): TransportWideCc {
    const f = readFeedback(buf, RtcpType.RTPFB, RtpfbFormat.TWCC);
    return new TransportWideCc(f.senderSsrc, f.mediaSsrc, f.fci.slice());
  }
  serialize(): Uint8Array {
    const out = allocateFeedback(RtcpType.RTPFB, RtpfbFormat.TWCC, this.senderSsrc, this.mediaSsrc, this.fci.length);
    out.set(this.fci, 12);
    return out;
  }
}
