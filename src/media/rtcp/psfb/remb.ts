/** Receiver Estimated Max Bitrate (draft-alvestrand-rmcat-remb-03): PSFB AFB with "REMB", exp(6)/mantissa(18), SSRC list. */
import { readUint32, writeUint32 } from "../../rtp/header-view.ts";
import { ensure, RtcpType } from "../common.ts";
import { decodeBitrate, encodeBitrate } from "../bitrate-encoding.ts";
import { allocateFeedback, PsfbFormat, readFeedback } from "../feedback.ts";

const REMB_ID = [0x52, 0x45, 0x4d, 0x42]; // "REMB"

export function isRembFci(fci: Uint8Array): boolean {
  return fci.length >= 8 && fci[0] === REMB_ID[0] && fci[1] === REMB_ID[1] && fci[2] === REMB_ID[2] && fci[3] === REMB_ID[3];
}

export class ReceiverEstimatedMaxBitrate {
  readonly type = "remb";
  constructor(
    public senderSsrc: number,
    /** bits/s */
    public bitrate: number,
    public ssrcs: number[] = [],
  ) {}

  static deSerialize(buf: Uint8Array): ReceiverEstimatedMaxBitrate {
    const { senderSsrc, fci } = readFeedback(buf, RtcpType.PSFB, PsfbFormat.AFB);
    ensure(isRembFci(fci), "bad-item", "AFB message is not REMB");
    const n = fci[4];
    ensure(fci.length >= 8 + n * 4, "bad-count", "REMB SSRC count exceeds packet");
    const ssrcs: number[] = [];
    for (let k = 0; k < n; k++) ssrcs.push(readUint32(fci, 8 + k * 4));
    return new ReceiverEstimatedMaxBitrate(senderSsrc, decodeBitrate(fci[5] >> 2, ((fci[5] & 3) << 16) | (fci[6] << 8) | fci[7]), ssrcs);
  }

  serialize(): Uint8Array {
    if (this.ssrcs.length > 255) throw new RangeError("REMB carries at most 255 SSRCs");
    const out = allocateFeedback(RtcpType.PSFB, PsfbFormat.AFB, this.senderSsrc, 0, 8 + this.ssrcs.length * 4);
    const { exp, mantissa } = encodeBitrate(this.bitrate, 18);
    out.set(REMB_ID, 12);
    out[16] = this.ssrcs.length;
    out[17] = (exp << 2) | (mantissa >>> 16);
    out[18] = mantissa >>> 8;
    out[19] = mantissa;
    this.ssrcs.forEach((s, k) => writeUint32(out, 20 + k * 4, s));
    return out;
  }
}
