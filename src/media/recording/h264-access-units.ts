/**
 * RFC 6184 depacketizer for recording: RTP packets in, whole access units out in the AVC sample layout
 * (4-byte length before each NAL unit, as Matroska's V_MPEG4/ISO/AVC wants). Single NAL, STAP-A and FU-A
 * are taken; a sequence gap or a broken fragment drops the picture and everything up to the next IDR, so the
 * file never holds a picture a decoder cannot decode. The latest SPS/PPS are kept for the track's avcC.
 */
import { extractNalUnits, NalType, nalType } from "../h264/index.ts";
import { concat } from "./ebml.ts";

export interface AccessUnit {
  /** NAL units, each prefixed by its 4-byte big-endian length. */
  data: Uint8Array;
  keyframe: boolean;
  rtpTimestamp: number;
}

/** Beyond this a "picture" is garbage, not video. */
const MAX_ACCESS_UNIT_BYTES = 4 * 1024 * 1024;

export class H264AccessUnits {
  sps: Uint8Array | undefined;
  pps: Uint8Array | undefined;
  /** Pictures dropped (damaged, or waiting for an IDR). */
  dropped = 0;
  private nals: Uint8Array[] = [];
  private bytes = 0;
  private timestamp = -1;
  private lastSeq = -1;
  private fu: Uint8Array[] | null = null;
  private damaged = false;
  private waitingForIdr = true;

  constructor(parameterSets: readonly Uint8Array[] = []) {
    for (const nal of parameterSets) this.noteParameterSet(nal);
  }

  /** One RTP payload; returns the access unit it completed (marker bit or a new timestamp), if any. */
  push(payload: Uint8Array, sequenceNumber: number, timestamp: number, marker: boolean): AccessUnit | undefined {
    let done: AccessUnit | undefined;
    // A gap may have cut the tail of the open picture or the head of the next one: both are dropped.
    const gap = this.lastSeq >= 0 && sequenceNumber !== ((this.lastSeq + 1) & 0xffff);
    if (gap) this.damaged = true;
    if (timestamp !== this.timestamp && this.nals.length + (this.fu ? 1 : 0) > 0) done = this.flush();
    if (gap) this.damaged = true;
    this.lastSeq = sequenceNumber;
    this.timestamp = timestamp;
    this.take(payload);
    if (marker) done ??= this.flush();
    return done;
  }

  private take(payload: Uint8Array): void {
    if (payload.length < 1) return void (this.damaged = true);
    const type = nalType(payload[0]);
    if (type === NalType.FuA) return this.takeFragment(payload);
    let units: Uint8Array[];
    try {
      units = extractNalUnits(payload);
    } catch {
      this.damaged = true;
      return;
    }
    // Copies: the packet's buffer belongs to the socket and is reused after this call.
    for (const nal of units) this.add(nal.slice());
  }

  private takeFragment(payload: Uint8Array): void {
    if (payload.length < 3) return void (this.damaged = true);
    const fuHeader = payload[1];
    const start = (fuHeader & 0x80) !== 0;
    const end = (fuHeader & 0x40) !== 0;
    if (start) {
      if (this.fu) this.damaged = true;
      this.fu = [new Uint8Array([(payload[0] & 0xe0) | (fuHeader & 0x1f)])];
    } else if (!this.fu) {
      this.damaged = true;
      return;
    }
    this.fu.push(payload.slice(2));
    if (!end) return;
    const nal = concat(this.fu);
    this.fu = null;
    this.add(nal);
  }

  private add(nal: Uint8Array): void {
    this.noteParameterSet(nal);
    this.bytes += 4 + nal.length;
    if (this.bytes > MAX_ACCESS_UNIT_BYTES) this.damaged = true;
    else this.nals.push(nal);
  }

  private noteParameterSet(nal: Uint8Array): void {
    const type = nal.length > 0 ? nalType(nal[0]) : -1;
    if (type === NalType.Sps) this.sps = nal;
    else if (type === NalType.Pps) this.pps = nal;
  }

  private flush(): AccessUnit | undefined {
    const nals = this.nals;
    const damaged = this.damaged || this.fu !== null;
    this.nals = [];
    this.bytes = 0;
    this.fu = null;
    this.damaged = false;
    if (nals.length === 0 && !damaged) return undefined;
    const keyframe = nals.some((n) => nalType(n[0]) === NalType.Idr);
    if (damaged || nals.length === 0 || (this.waitingForIdr && !keyframe) || !this.sps || !this.pps) {
      this.dropped++;
      this.waitingForIdr = true;
      return undefined;
    }
    this.waitingForIdr = false;
    let n = 0;
    for (const nal of nals) n += 4 + nal.length;
    const data = new Uint8Array(n);
    const dv = new DataView(data.buffer);
    let at = 0;
    for (const nal of nals) {
      dv.setUint32(at, nal.length);
      data.set(nal, at + 4);
      at += 4 + nal.length;
    }
    return { data, keyframe, rtpTimestamp: this.timestamp };
  }
}

/** The AVCDecoderConfigurationRecord (ISO 14496-15 §5.2.4.1) for one SPS and one PPS: Matroska's CodecPrivate. */
export function avcDecoderConfiguration(sps: Uint8Array, pps: Uint8Array): Uint8Array {
  const out = new Uint8Array(11 + sps.length + pps.length);
  out.set([1, sps[1], sps[2], sps[3], 0xff, 0xe1, sps.length >> 8, sps.length & 0xff]);
  out.set(sps, 8);
  const p = 8 + sps.length;
  out.set([1, pps.length >> 8, pps.length & 0xff], p);
  out.set(pps, p + 3);
  return out;
}
