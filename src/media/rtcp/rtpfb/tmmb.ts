/** TMMBR / TMMBN (RFC 5104 §4.2.1-2): per-SSRC maximum total media bitrate with measured per-packet overhead. */
import { readUint32, writeUint32 } from "../../rtp/header-view.ts";
import { ensure, RtcpType } from "../common.ts";
import { decodeBitrate, encodeBitrate } from "../bitrate-encoding.ts";
import { allocateFeedback, readFeedback, RtpfbFormat } from "../feedback.ts";

export interface TmmbEntry {
  ssrc: number;
  /** Maximum total media bit rate, bits/s (as decoded from exp/mantissa). */
  bitrate: number;
  /** Measured per-packet overhead in bytes (9 bits), included in `bitrate`. */
  overhead: number;
}

const ENTRY_LENGTH = 8;
const MAX_ENTRIES = 256;

function readEntries(fci: Uint8Array): TmmbEntry[] {
  ensure(fci.length % ENTRY_LENGTH === 0, "bad-count", "TMMBR/TMMBN FCI is not a whole number of entries");
  ensure(fci.length / ENTRY_LENGTH <= MAX_ENTRIES, "bad-count", "too many TMMBR/TMMBN entries");
  const entries: TmmbEntry[] = [];
  for (let i = 0; i < fci.length; i += ENTRY_LENGTH) {
    const word = readUint32(fci, i + 4);
    entries.push({ ssrc: readUint32(fci, i), bitrate: decodeBitrate(word >>> 26, (word >>> 9) & 0x1ffff), overhead: word & 0x1ff });
  }
  return entries;
}

function writeEntries(fmt: number, senderSsrc: number, entries: TmmbEntry[]): Uint8Array {
  const out = allocateFeedback(RtcpType.RTPFB, fmt, senderSsrc, 0, entries.length * ENTRY_LENGTH);
  entries.forEach((e, k) => {
    const i = 12 + k * ENTRY_LENGTH;
    const { exp, mantissa } = encodeBitrate(e.bitrate, 17);
    writeUint32(out, i, e.ssrc);
    writeUint32(out, i + 4, ((exp << 26) | (mantissa << 9) | (e.overhead & 0x1ff)) >>> 0);
  });
  return out;
}

export class Tmmbr {
  readonly type = "tmmbr";
  constructor(public senderSsrc: number, public entries: TmmbEntry[] = []) {}
  static deSerialize(buf: Uint8Array): Tmmbr {
    const f = readFeedback(buf, RtcpType.RTPFB, RtpfbFormat.TMMBR);
    return new Tmmbr(f.senderSsrc, readEntries(f.fci));
  }
  serialize(): Uint8Array { return writeEntries(RtpfbFormat.TMMBR, this.senderSsrc, this.entries); }
}

/** The bounding set; an empty TMMBN means "no limit currently in force". */
export class Tmmbn {
  readonly type = "tmmbn";
  constructor(public senderSsrc: number, public entries: TmmbEntry[] = []) {}
  static deSerialize(buf: Uint8Array): Tmmbn {
    const f = readFeedback(buf, RtcpType.RTPFB, RtpfbFormat.TMMBN);
    return new Tmmbn(f.senderSsrc, readEntries(f.fci));
  }
  serialize(): Uint8Array { return writeEntries(RtpfbFormat.TMMBN, this.senderSsrc, this.entries); }
}
