/** Picture Loss Indication (RFC 4585 §6.3.1): no FCI. */
import { RtcpType } from "../common.ts";
import { allocateFeedback, PsfbFormat, readFeedback } from "../feedback.ts";

export class PictureLossIndication {
  readonly type = "pli";
  constructor(public senderSsrc: number, public mediaSsrc: number) {}
  static deSerialize(buf: Uint8Array): PictureLossIndication {
    const f = readFeedback(buf, RtcpType.PSFB, PsfbFormat.PLI);
    return new PictureLossIndication(f.senderSsrc, f.mediaSsrc);
  }
  serialize(): Uint8Array {
    return allocateFeedback(RtcpType.PSFB, PsfbFormat.PLI, this.senderSsrc, this.mediaSsrc, 0);
  }
}
