/** Common layout of RTPFB/PSFB feedback messages (RFC 4585 §6.1): sender SSRC, media SSRC, FCI. */
import { readUint32, writeUint32 } from "../rtp/header-view.ts";
import { allocatePacket, ensure, readFrame } from "./common.ts";
import { RtcpParseError } from "./errors.ts";

export const RtpfbFormat = { NACK: 1, TMMBR: 3, TMMBN: 4, TWCC: 15 } as const;
export const PsfbFormat = { PLI: 1, FIR: 4, AFB: 15 } as const;

export interface FeedbackFrame {
  fmt: number;
  senderSsrc: number;
  mediaSsrc: number;
  fci: Uint8Array;
}

export function readFeedback(buf: Uint8Array, packetType: number, fmt?: number): FeedbackFrame {
  const { count, body } = readFrame(buf, packetType);
  if (fmt !== undefined && count !== fmt) throw new RtcpParseError("bad-type", `expected feedback format ${fmt}, got ${count}`);
  ensure(body.length >= 8, "truncated", "feedback message shorter than its two SSRCs");
  return { fmt: count, senderSsrc: readUint32(body, 0), mediaSsrc: readUint32(body, 4), fci: body.subarray(8) };
}

/** Allocates a feedback message with header and SSRCs written; FCI goes from offset 12. */
export function allocateFeedback(packetType: number, fmt: number, senderSsrc: number, mediaSsrc: number, fciLength: number): Uint8Array {
  const out = allocatePacket(fmt, packetType, 8 + fciLength);
  writeUint32(out, 4, senderSsrc);
  writeUint32(out, 8, mediaSsrc);
  return out;
}
