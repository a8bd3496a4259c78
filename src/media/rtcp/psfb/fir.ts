/** Full Intra Request (RFC 5104 §4.3.1): media SSRC field 0, FCI = (target SSRC, command sequence number). */
import { readUint32, writeUint32 } from "../../rtp/header-view.ts";
import { ensure, RtcpType } from "../common.ts";
import { allocateFeedback, PsfbFormat, readFeedback } from "../feedback.ts";

export interface FirEntry {
  ssrc: number;
  /** 8-bit command sequence number; the same value repeated means a retransmitted request. */
  seqNr: number;
}

const MAX_ENTRIES = 256;

export class FullIntraRequest {
  readonly type = "fir";
  constructor(public senderSsrc: number, public entries: FirEntry[] = []) {}

  static deSerialize(buf: Uint8Array): FullIntraRequest {
    const { senderSsrc, fci } = readFeedback(buf, RtcpType.PSFB, PsfbFormat.FIR);
    ensure(fci.length % 8 === 0 && fci.length / 8 <= MAX_ENTRIES, "bad-count", "FIR FCI is not a whole number of entries");
    const entries: FirEntry[] = [];
    for (let i = 0; i < fci.length; i += 8) entries.push({ ssrc: readUint32(fci, i), seqNr: fci[i + 4] });
    return new FullIntraRequest(senderSsrc, entries);
  }

  serialize(): Uint8Array {
    const out = allocateFeedback(RtcpType.PSFB, PsfbFormat.FIR, this.senderSsrc, 0, this.entries.length * 8);
    this.entries.forEach((e, k) => {
      writeUint32(out, 12 + k * 8, e.ssrc);
      out[16 + k * 8] = e.seqNr;
    });
    return out;
  }
}
