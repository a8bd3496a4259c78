/**
 * Outbound SRTP/SRTCP for one master key: tracks each local SSRC's highest index (for its ROC)
 * and its SRTCP index counter.
 */
import { readSequenceNumber, readSsrc, readUint32 } from "../rtp/index.ts";
import type { SrtpRejectReason } from "./errors.ts";
import type { SrtpKeyInput } from "./kdf.ts";
import { isRtcpHeader, MAX_SRTCP_INDEX, rtpHeaderLength } from "./packet-layout.ts";
import type { SrtpProfile } from "./profiles.ts";
import { estimateRtpIndex } from "./rtp-index.ts";
import { SsrcTable } from "./ssrc-table.ts";
import { createSrtpTransform, type SrtpTransform } from "./transform.ts";

export interface SrtpProtectorOptions {
  /** Bound on tracked local SSRCs (default 64). */
  maxSsrcs?: number;
}

interface SendState { highestIndex: number; srtcpIndex: number }

export class SrtpProtector {
  /** Why the last protect call returned null. */
  lastReject: SrtpRejectReason | null = null;
  readonly stats = { rtpPackets: 0, rtcpPackets: 0, rejected: 0 };
  readonly rtpOverhead: number;
  private readonly transform: SrtpTransform;
  private readonly streams: SsrcTable<SendState>;

  constructor(
    readonly profile: SrtpProfile,
    keys: SrtpKeyInput,
    options: SrtpProtectorOptions = {},
  ) {
    this.transform = createSrtpTransform(profile, keys);
    this.rtpOverhead = this.transform.rtpOverhead;
    this.streams = new SsrcTable(options.maxSsrcs);
  }

  /**
   * Protects one RTP packet (`packet` = exactly the packet bytes). The result goes to `out` when given
   * (capacity >= packet.length + rtpOverhead; `out` may start at `packet` for in-place protection),
   * otherwise to a new Buffer. Returns the SRTP packet, or null (see lastReject) if it is not RTP.
   */
  protectRtp(packet: Uint8Array, out?: Uint8Array): Uint8Array | null {
    const headerLen = rtpHeaderLength(packet, packet.length);
    if (headerLen < 0) return this.reject("malformed");
    const ssrc = readSsrc(packet);
    const state = this.stream(ssrc);
    const index = estimateRtpIndex(state.highestIndex, readSequenceNumber(packet));
    if (index < 0) return this.reject("too-old");
    if (index > state.highestIndex) state.highestIndex = index;
    const target = this.target(packet.length + this.rtpOverhead, out);
    const n = this.transform.protectRtp(packet, headerLen, ssrc, index, target);
    this.stats.rtpPackets++;
    this.lastReject = null;
    return target.subarray(0, n);
  }

  /** Protects one (compound) RTCP packet with the next SRTCP index of its sender SSRC; `out` as for protectRtp. */
  protectRtcp(packet: Uint8Array, out?: Uint8Array): Uint8Array | null {
    if (!isRtcpHeader(packet, packet.length)) return this.reject("malformed");
    const ssrc = readUint32(packet, 4);
    const state = this.stream(ssrc);
    state.srtcpIndex = state.srtcpIndex >= MAX_SRTCP_INDEX ? 0 : state.srtcpIndex + 1;
    const target = this.target(packet.length + this.rtcpOverhead, out);
    const n = this.transform.protectRtcp(packet, ssrc, state.srtcpIndex, target);
    this.stats.rtcpPackets++;
    this.lastReject = null;
    return target.subarray(0, n);
  }

  /** Bytes protectRtcp() adds (SRTCP index, MKI, tag). */
  get rtcpOverhead(): number {
    return this.transform.rtcpOverhead;
  }

  /** SRTCP tag length we send with; may be switched to the other length the profile allows (see profiles.ts). */
  get rtcpTagLength(): number {
    return this.transform.rtcpTagLength;
  }
  set rtcpTagLength(length: number) {
    if (length !== this.profile.rtcpTagLength && length !== this.profile.rtcpAltTagLength) {
      throw new RangeError(`${this.profile.name} has no ${length}-byte SRTCP tag`);
    }
    this.transform.rtcpTagLength = length;
  }

  /** Current rollover counter of a local SSRC (0 before its first packet). */
  rolloverCounter(ssrc: number): number {
    const s = this.streams.get(ssrc);
    return s && s.highestIndex > 0 ? Math.floor(s.highestIndex / 0x10000) : 0;
  }

  private stream(ssrc: number): SendState {
    return this.streams.get(ssrc) ?? this.streams.add(ssrc, { highestIndex: -1, srtcpIndex: 0 });
  }

  private target(needed: number, out: Uint8Array | undefined): Uint8Array {
    if (!out) return Buffer.allocUnsafe(needed);
    if (out.length < needed) throw new RangeError(`SRTP output buffer too small: ${out.length} < ${needed}`);
    return out;
  }

  private reject(reason: SrtpRejectReason): null {
    this.lastReject = reason;
    this.stats.rejected++;
    return null;
  }
}
