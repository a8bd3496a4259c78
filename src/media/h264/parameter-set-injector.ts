/**
 * Puts SPS/PPS in front of every IDR that arrives without them, for far ends that need in-band parameter sets
 * (RFC 6184 §8.4: sprop-parameter-sets may only be signalled out of band by the sender).
 * Parameter sets are learned from `sprop-parameter-sets` and from the stream itself (the latest wins).
 */
import { RtpHeaderView, RTP_FIXED_HEADER_LENGTH, writeUint32 } from "../rtp/header-view.ts";
import { NalType, nalHeader, nalType } from "./nal.ts";
import { extractNalUnits } from "./payload.ts";
import { parseSpropParameterSets } from "./sprop.ts";

export interface ParameterSetInjectorOptions {
  /** "stap-a" needs packetization-mode 1; mode 0 far ends need "separate" single-NAL packets. */
  mode: "stap-a" | "separate";
  sprop?: string;
  /** Largest RTP packet to build; a STAP-A that would not fit falls back to separate packets. */
  mtu?: number;
}

const MAX_PARAMETER_SET_BYTES = 1024;

export class ParameterSetInjector {
  private sps: Uint8Array | null = null;
  private pps: Uint8Array | null = null;
  /** RTP timestamp of the access unit in which the stream itself already carried SPS and PPS. */
  private inBandTimestamp = -1;
  private inBandSps = false;
  private inBandPps = false;
  private readonly view = new RtpHeaderView();
  private readonly mtu: number;

  constructor(private readonly options: ParameterSetInjectorOptions) {
    this.mtu = options.mtu ?? 1200;
    if (options.sprop) for (const nal of parseSpropParameterSets(options.sprop)) this.learn(nal);
  }

  get hasParameterSets(): boolean { return this.sps !== null && this.pps !== null; }

  /**
   * Returns null to forward `packet` unchanged (the common case, no allocation), or the packets to send instead, in order:
   * the injected parameter-set packets followed by `packet` itself. Injected packets copy the IDR's SSRC, timestamp and
   * payload type, have M=0 and seq numbers idrSeq-n..idrSeq-1; the relay renumbers the output contiguously.
   */
  process(packet: Uint8Array): Uint8Array[] | null {
    const v = this.view;
    if (!v.wrap(packet) || v.payloadLength < 1) return null;
    const p = v.payloadOffset;
    const type = nalType(packet[p]);
    if (type === NalType.Slice) return null;
    const ts = v.timestamp;
    if (ts !== this.inBandTimestamp) {
      this.inBandTimestamp = ts;
      this.inBandSps = this.inBandPps = false;
    }
    let idrStart = false;
    if (type === NalType.FuA) {
      idrStart = v.payloadLength >= 2 && (packet[p + 1] & 0x80) !== 0 && nalType(packet[p + 1]) === NalType.Idr;
    } else if (type === NalType.StapA || (type >= 1 && type <= 23)) {
      let units: Uint8Array[];
      try { units = extractNalUnits(packet.subarray(p, p + v.payloadLength)); } catch { return null; }
      for (const u of units) {
        const t = nalType(u[0]);
        if (t === NalType.Sps || t === NalType.Pps) this.learn(u);
        if (t === NalType.Sps) this.inBandSps = true;
        if (t === NalType.Pps) this.inBandPps = true;
        if (t === NalType.Idr) idrStart = true;
      }
    }
    if (!idrStart || (this.inBandSps && this.inBandPps) || !this.sps || !this.pps) return null;
    this.inBandSps = this.inBandPps = true; // once per access unit
    return [...this.buildParameterSetPackets(packet, v), packet];
  }

  private learn(nal: Uint8Array): void {
    if (nal.length > MAX_PARAMETER_SET_BYTES) return;
    if (nalType(nal[0]) === NalType.Sps) this.sps = nal.slice();
    else if (nalType(nal[0]) === NalType.Pps) this.pps = nal.slice();
  }

  private buildParameterSetPackets(idr: Uint8Array, v: RtpHeaderView): Uint8Array[] {
    const sps = this.sps!;
    const pps = this.pps!;
    const stapLength = 1 + 2 + sps.length + 2 + pps.length;
    const payloads: Uint8Array[] = [];
    if (this.options.mode === "stap-a" && RTP_FIXED_HEADER_LENGTH + stapLength <= this.mtu) {
      const stap = new Uint8Array(stapLength);
      stap[0] = nalHeader(Math.max(sps[0] >> 5, pps[0] >> 5), NalType.StapA);
      let i = 1;
      for (const nal of [sps, pps]) {
        stap[i] = nal.length >>> 8;
        stap[i + 1] = nal.length;
        stap.set(nal, i + 2);
        i += 2 + nal.length;
      }
      payloads.push(stap);
    } else payloads.push(sps, pps);
    const seq = v.sequenceNumber;
    return payloads.map((payload, k) => {
      const out = new Uint8Array(RTP_FIXED_HEADER_LENGTH + payload.length);
      out[0] = 0x80;
      out[1] = idr[v.offset + 1] & 0x7f;
      const s = (seq - payloads.length + k) & 0xffff;
      out[2] = s >>> 8;
      out[3] = s;
      writeUint32(out, 4, v.timestamp);
      writeUint32(out, 8, v.ssrc);
      out.set(payload, RTP_FIXED_HEADER_LENGTH);
      return out;
    });
  }
}
