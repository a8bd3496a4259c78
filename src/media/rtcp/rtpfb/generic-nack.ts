/** Generic NACK (RFC 4585 §6.2.1): FCI entries of PID + 16-bit bitmask of following lost packets. */
import { ensure, RtcpType } from "../common.ts";
import { allocateFeedback, readFeedback, RtpfbFormat } from "../feedback.ts";

const MAX_ENTRIES = 1024;

export class GenericNack {
  readonly type = "nack";
  constructor(
    public senderSsrc: number,
    public mediaSsrc: number,
    /** Lost sequence numbers, in sending order (ascending modulo 2^16). */
    public lost: number[] = [],
  ) {}

  static deSerialize(buf: Uint8Array): GenericNack {
    const { senderSsrc, mediaSsrc, fci } = readFeedback(buf, RtcpType.RTPFB, RtpfbFormat.NACK);
    ensure(fci.length / 4 <= MAX_ENTRIES, "bad-count", "too many NACK entries");
    const lost: number[] = [];
    for (let i = 0; i + 4 <= fci.length; i += 4) {
      const pid = (fci[i] << 8) | fci[i + 1];
      const blp = (fci[i + 2] << 8) | fci[i + 3];
      lost.push(pid);
      for (let bit = 0; bit < 16; bit++) if (blp & (1 << bit)) lost.push((pid + bit + 1) & 0xffff);
    }
    return new GenericNack(senderSsrc, mediaSsrc, lost);
  }

  serialize(): Uint8Array {
    const entries: [pid: number, blp: number][] = [];
    for (const seq of this.lost) {
      const last = entries[entries.length - 1];
      const diff = last ? (seq - last[0]) & 0xffff : 0;
      if (last && diff >= 1 && diff <= 16) last[1] |= 1 << (diff - 1);
      else if (!last || diff !== 0) entries.push([seq & 0xffff, 0]);
    }
    const out = allocateFeedback(RtcpType.RTPFB, RtpfbFormat.NACK, this.senderSsrc, this.mediaSsrc, entries.length * 4);
    entries.forEach(([pid, blp], k) => {
      const i = 12 + k * 4;
      out[i] = pid >>> 8;
      out[i + 1] = pid;
      out[i + 2] = blp >>> 8;
      out[i + 3] = blp;
    });
    return out;
  }
}
