/**
 * Inbound SRTP/SRTCP for one master key: per remote SSRC an RTP replay window (whose highest index
 * drives the ROC estimate) and an SRTCP replay window. State is created only for authenticated packets.
 */
import { metrics } from "../../observability/metrics.ts";
import { readSequenceNumber, readSsrc, readUint32 } from "../rtp/index.ts";
import type { SrtpRejectReason } from "./errors.ts";
import type { SrtpKeyInput } from "./kdf.ts";
import { isRtcpHeader, rtpHeaderLength } from "./packet-layout.ts";
import type { SrtpProfile } from "./profiles.ts";
import { assertReplayWindowSize, DEFAULT_REPLAY_WINDOW, ReplayVerdict, ReplayWindow } from "./replay-window.ts";
import { estimateRtpIndex } from "./rtp-index.ts";
import { SsrcTable } from "./ssrc-table.ts";
import { createSrtpTransform, type SrtpTransform } from "./transform.ts";

export interface SrtpUnprotectorOptions {
  /** Replay window in packets, multiple of 32, 64..32768 (default 128). */
  replayWindow?: number;
  /** Bound on tracked remote SSRCs (default 64; least recently used is evicted). */
  maxSsrcs?: number;
}

export interface SrtpReceiveStats {
  rtpPackets: number;
  rtcpPackets: number;
  rejected: Record<SrtpRejectReason, number>;
}

interface ReceiveState { rtp: ReplayWindow; rtcp: ReplayWindow }

const rejectedTotal = metrics.counter("srtp_rejected_total", "SRTP/SRTCP packets dropped on receive, by reason");
const VERDICT_REASON: Record<ReplayVerdict, SrtpRejectReason | null> = {
  [ReplayVerdict.Fresh]: null, [ReplayVerdict.Replayed]: "replay", [ReplayVerdict.TooOld]: "too-old",
};

export class SrtpUnprotector {
  /** Why the last unprotect call returned null. */
  lastReject: SrtpRejectReason | null = null;
  readonly stats: SrtpReceiveStats = {
    rtpPackets: 0, rtcpPackets: 0, rejected: { malformed: 0, auth: 0, replay: 0, "too-old": 0 },
  };
  private readonly transform: SrtpTransform;
  private readonly streams: SsrcTable<ReceiveState>;
  private readonly windowSize: number;

  constructor(
    readonly profile: SrtpProfile,
    keys: SrtpKeyInput,
    options: SrtpUnprotectorOptions = {},
  ) {
    this.transform = createSrtpTransform(profile, keys);
    this.windowSize = options.replayWindow ?? DEFAULT_REPLAY_WINDOW;
    assertReplayWindowSize(this.windowSize);
    this.streams = new SsrcTable(options.maxSsrcs);
  }

  /**
   * Verifies and decrypts an SRTP packet IN PLACE; returns the plain RTP packet (a view of `packet`
   * without the tag), or null (see lastReject; counted in stats and srtp_rejected_total).
   */
  unprotectRtp<T extends Uint8Array>(packet: T): T | null {
    const len = packet.length;
    const headerLen = rtpHeaderLength(packet, len - this.transform.rtpOverhead);
    if (headerLen < 0) return this.reject("malformed");
    const ssrc = readSsrc(packet);
    const state = this.streams.get(ssrc);
    const index = estimateRtpIndex(state ? state.rtp.highest : -1, readSequenceNumber(packet));
    if (state) {
      const verdict = state.rtp.check(index);
      if (verdict !== ReplayVerdict.Fresh) return this.reject(VERDICT_REASON[verdict]!);
    }
    const plainLen = this.transform.unprotectRtp(packet, headerLen, ssrc, index);
    if (plainLen < 0) return this.reject("auth");
    (state ?? this.newStream(ssrc)).rtp.accept(index);
    this.stats.rtpPackets++;
    this.lastReject = null;
    return packet.subarray(0, plainLen) as T;
  }

  /**
   * Verifies and decrypts an SRTCP packet IN PLACE (E=0 packets are only verified); returns the RTCP packet or null.
   * The replay check follows authentication here: where the index sits depends on the verified tag length.
   */
  unprotectRtcp<T extends Uint8Array>(packet: T): T | null {
    if (!isRtcpHeader(packet, packet.length - this.transform.minRtcpOverhead)) return this.reject("malformed");
    const ssrc = readUint32(packet, 4);
    const plainLen = this.transform.unprotectRtcp(packet, ssrc);
    if (plainLen < 0) return this.reject("auth");
    const index = this.transform.lastSrtcpIndexWord & 0x7fffffff;
    const state = this.streams.get(ssrc);
    if (state) {
      const verdict = state.rtcp.check(index);
      if (verdict !== ReplayVerdict.Fresh) return this.reject(VERDICT_REASON[verdict]!);
    }
    (state ?? this.newStream(ssrc)).rtcp.accept(index);
    this.stats.rtcpPackets++;
    this.lastReject = null;
    return packet.subarray(0, plainLen) as T;
  }

  /** SRTCP tag length the peer used in its last authenticated SRTCP packet (0 before the first). */
  get peerRtcpTagLength(): number {
    return this.transform.lastRtcpTagLength;
  }

  /** Rollover counter currently assumed for a remote SSRC (undefined before its first authenticated packet). */
  rolloverCounter(ssrc: number): number | undefined {
    const s = this.streams.get(ssrc);
    if (!s) return undefined;
    return s.rtp.highest < 0 ? 0 : Math.floor(s.rtp.highest / 0x10000);
  }

  private newStream(ssrc: number): ReceiveState {
    return this.streams.add(ssrc, { rtp: new ReplayWindow(this.windowSize), rtcp: new ReplayWindow(this.windowSize) });
  }

  private reject(reason: SrtpRejectReason): null {
    this.lastReject = reason;
    this.stats.rejected[reason]++;
    rejectedTotal.inc({ reason });
    return null;
  }
}
