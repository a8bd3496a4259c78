/**
 * AgentVideoLeg: the server end of ONE video-only WebRTC leg to an agent's browser (one BUNDLEd,
 * rtcp-muxed, sendrecv H.264 transceiver). The browser makes the offer and avsplit answers: the
 * widget joins a call that is already running, so avsplit already knows the caller's H.264 format and
 * picks the browser's matching one from its offer (see browser-offer.ts); a re-join after a page
 * reload is simply a new offer and a new leg.
 *
 * werift does ICE (ICE-lite by default: the browser is always the full agent) and DTLS. The media
 * path is either the lean one (dtls-srtp-media-path.ts, default) or werift's own (werift-media-path.ts).
 *
 *   const leg = new AgentVideoLeg({ callerH264Fmtp: "profile-level-id=42e00c;packetization-mode=0" });
 *   const answerSdp = await leg.acceptOffer(offerSdpFromWidget);
 *   leg.on("rtp", (p) => toCaller(p)); leg.on("keyframe-request", () => askCallerForKeyframe());
 *   fromCaller((p) => leg.sendRtp(p));
 */
import { RTCPeerConnection, RTCRtpCodecParameters, type RTCRtpTransceiver } from "werift";
import {
  GenericNack, PictureLossIndication, ReceiverEstimatedMaxBitrate, RtcpReceiverReport, serializeRtcp, walkRtcp,
} from "../media/rtcp/index.ts";
import { readSequenceNumber, readSsrc } from "../media/rtp/index.ts";
import { NackResponder, RetransmissionCache } from "../media/relay/index.ts";
import { createLogger } from "../observability/log.ts";
import { metrics } from "../observability/metrics.ts";
import { systemClock, type Clock, type TimerHandle } from "../util/clock.ts";
import { TypedEmitter } from "../util/typed-emitter.ts";
import { restrictBrowserOffer, type H264Choice } from "./browser-offer.ts";
import { DtlsSrtpMediaPath } from "./dtls-srtp-media-path.ts";
import { WebRtcLegError } from "./errors.ts";
import { emptyLegStats, type AgentVideoLegStats } from "./leg-stats.ts";
import type { LegMediaPath, MediaPathHandlers, MediaPathName } from "./media-path.ts";
import { asWeriftDtlsTransport, prepareSockets } from "./werift-internals.ts";
import { WeriftMediaPath } from "./werift-media-path.ts";

const log = createLogger("webrtc");
const legsConnected = metrics.gauge("webrtc_agent_legs_connected", "Agent video legs with ICE+DTLS up");
const legsClosed = metrics.counter("webrtc_agent_legs_closed_total", "Agent video legs closed, by reason");

export interface IceServer { urls: string; username?: string; credential?: string }

export interface AgentVideoLegOptions {
  /** The caller's H.264 a=fmtp value; the browser leg gets the same profile family and packetization-mode. */
  callerH264Fmtp: string;
  /** The only local address the leg binds and gathers on (default 127.0.0.1). */
  hostAddress?: string;
  /** Address announced in our candidates instead of hostAddress (appliance behind a 1:1 NAT). */
  publicIp?: string;
  /**
   * b=AS of our answer: the browser's encoder stays below it (default: the max bitrate of the caller's stated
   * H.264 level; none when the caller stated no level). Chromium ignores the level in the answer's
   * profile-level-id for its encoder, so this is what keeps its bitrate within what the caller decodes.
   */
  maxBitrateKbps?: number;
  /** STUN/TURN servers (default none). Non-empty turns ICE-lite off, so werift gathers through them. */
  iceServers?: IceServer[];
  /**
   * Only ICE checks from remote addresses this accepts are answered (default: all). Keeps a leg on an
   * allowed network, e.g. loopback in tests, whatever interfaces the browser gathers on.
   */
  acceptRemoteAddress?: (ip: string) => boolean;
  /** Local UDP port range [min, max], min < max (default: any free port). */
  portRange?: [number, number];
  /** ICE + DTLS must complete this long after acceptOffer() (default 10 000 ms), else closed("timeout"). */
  connectTimeoutMs?: number;
  /**
   * Once connected, the leg closes ("inactive") when no RTCP came from the browser for this long (default
   * 15 000 ms; browsers send RTCP about every second). ICE-lite sends no consent checks, and a browser that
   * vanishes without a DTLS close_notify (crash, reload, network loss) would otherwise leave the leg open.
   */
  inactivityTimeoutMs?: number;
  /** "lean" (default): own SRTP path on werift's ICE+DTLS. "werift": werift's RTP stack end to end. */
  mediaPath?: MediaPathName;
  /** SO_RCVBUF of the leg's socket (default 4 MiB; werift's 208 KB default drops bursts). */
  recvBufferBytes?: number;
  clock?: Clock;
}

export type AgentVideoLegCloseReason =
  | "local" | "timeout" | "inactive" | "ice-failed" | "dtls-failed" | "remote" | "negotiation-failed" | "media-path-failed";

export interface AgentVideoLegEvents {
  /**
   * Browser camera RTP (decrypted, as the browser sent it). The bytes belong to this packet alone (decrypted in
   * place in the datagram's own Buffer, never reused by the leg): a listener may rewrite and forward them.
   */
  rtp: [packet: Uint8Array];
  /** Browser RTCP compound (decrypted); keyframe requests are also reported as "keyframe-request". */
  rtcp: [packet: Uint8Array];
  /** The browser's decoder asked for a keyframe (PLI or FIR): ask the caller for one. */
  "keyframe-request": [kind: "pli" | "fir"];
  /**
   * The browser NACKed caller packets the leg could not resend (never sent, or older than the cache): sequence
   * numbers as the caller sent them, for forwarding to the caller when it takes NACKs.
   */
  nack: [lost: readonly number[]];
  connected: [];
  closed: [reason: AgentVideoLegCloseReason];
}

export interface NegotiatedVideo {
  readonly payloadType: number;
  readonly packetizationMode: 0 | 1;
  readonly answerFmtp: string;
  /** SSRC of the stream we send to the browser (announced in our answer). */
  readonly localSsrc: number;
  /** The browser's SSRC (from its offer, or learned from its first packet). */
  readonly remoteSsrc: number;
}

type LegState = "new" | "negotiating" | "connecting" | "connected" | "closed";

const PSFB = 206;
const PSFB_PLI = 1;
const PSFB_FIR = 4;
const RTPFB = 205;
const RTPFB_NACK = 1;

export class AgentVideoLeg extends TypedEmitter<AgentVideoLegEvents> {
  readonly stats: AgentVideoLegStats = emptyLegStats();
  private state: LegState = "new";
  private pc: RTCPeerConnection | undefined;
  private path: LegMediaPath | undefined;
  private choice: H264Choice | undefined;
  private localSsrc = 0;
  private remoteSsrc = 0;
  private connectTimer: TimerHandle | undefined;
  private inactivityTimer: TimerHandle | undefined;
  private lastRtcpAt = 0;
  private readonly clock: Clock;
  private readonly host: string;
  private keyframeSeen: "pli" | "fir" | null = null;
  private browserTakesNack = false;
  private browserTakesRemb = false;
  /** Offset and length of each NACK in the RTCP compound being read. */
  private readonly nackSpans: number[] = [];
  /**
   * Answers the browser's NACKs from the caller packets we sent, on the lean path (werift's own path answers them
   * itself from its RTCRtpSender history).
   */
  private readonly nack: NackResponder | null;

  constructor(private readonly options: AgentVideoLegOptions) {
    super();
    this.clock = options.clock ?? systemClock;
    this.host = options.hostAddress ?? "127.0.0.1";
    this.nack = this.mediaPath === "lean" ? new NackResponder(new RetransmissionCache(), "browser") : null;
    if (this.nack) this.stats.nack = this.nack.counters;
  }

  get connected(): boolean { return this.state === "connected"; }
  get closed(): boolean { return this.state === "closed"; }
  get mediaPath(): MediaPathName { return this.options.mediaPath ?? "lean"; }

  /** What was negotiated (undefined before acceptOffer() resolved). */
  get negotiated(): NegotiatedVideo | undefined {
    const c = this.choice;
    if (!c || !this.localSsrc) return undefined;
    return {
      payloadType: c.payloadType, packetizationMode: c.packetizationMode, answerFmtp: c.answerFmtp,
      localSsrc: this.localSsrc, remoteSsrc: this.remoteSsrc,
    };
  }

  /**
   * Answers the browser's offer (non-trickle: the answer carries our candidates). Throws WebRtcLegError:
   * "bad-offer", "no-matching-h264", "bad-caller-fmtp", "werift-internals", "closed".
   */
  async acceptOffer(offerSdp: string): Promise<string> {
    if (this.state !== "new") throw new WebRtcLegError("closed", `acceptOffer() in state ${this.state}`);
    const restricted = restrictBrowserOffer(offerSdp, this.options.callerH264Fmtp);
    this.state = "negotiating";
    this.choice = restricted.choice;
    this.remoteSsrc = restricted.remoteSsrc;
    this.browserTakesNack = restricted.nack;
    this.browserTakesRemb = restricted.remb;
    this.connectTimer = this.clock.setTimeout(() => this.close("timeout"), this.options.connectTimeoutMs ?? 10_000);
    const pc = this.createPeerConnection(restricted.choice);
    this.pc = pc;
    try {
      await pc.setRemoteDescription({ type: "offer", sdp: restricted.sdp });
      const transceiver = pc.getTransceivers()[0];
      if (!transceiver) throw new WebRtcLegError("bad-offer", "werift created no transceiver for the video m-line");
      transceiver.setDirection("sendrecv");
      this.localSsrc = transceiver.sender.ssrc;
      this.path = this.createMediaPath(transceiver);
      this.watch(pc);
      await pc.setLocalDescription(await pc.createAnswer());
      await this.gatheringComplete(pc);
      prepareSockets(asWeriftDtlsTransport(transceiver.dtlsTransport), this.options.recvBufferBytes ?? 4 * 1024 * 1024,
        (err) => { this.stats.socketErrors++; log.debug("browser leg socket error", { err }); });
    } catch (err) {
      this.close("negotiation-failed");
      if (err instanceof WebRtcLegError) throw err;
      throw new WebRtcLegError("closed", `negotiation failed: ${(err as Error).message}`);
    }
    if (this.closed) throw new WebRtcLegError("closed", "leg closed during negotiation");
    if (this.state === "negotiating") this.state = "connecting";
    return this.announce(pc.localDescription!.sdp);
  }

  /**
   * Caller RTP toward the browser; PT and SSRC are set to the negotiated ones on the way (the input is not modified,
   * and it is kept by reference to answer the browser's NACKs: the caller must not modify it afterwards either).
   */
  sendRtp(packet: Uint8Array): boolean {
    if (!this.transmitRtp(packet)) { this.stats.sendDropped++; return false; }
    this.nack?.cache.store(readSequenceNumber(packet), packet, this.clock.now());
    this.stats.rtpSent.packets++;
    this.stats.rtpSent.bytes += packet.length;
    return true;
  }

  /**
   * Asks the browser to resend packets it sent (caller NACKs the caller leg could not serve; `lost` in the browser's
   * numbering). False when the browser did not negotiate NACK or the leg is not connected.
   */
  requestRetransmission(lost: readonly number[]): boolean {
    if (!this.browserTakesNack || lost.length === 0) return false;
    return this.sendRtcp(serializeRtcp([new RtcpReceiverReport(this.localSsrc), new GenericNack(this.localSsrc, this.remoteSsrc, [...lost])]));
  }

  /**
   * Caps the browser's encoder at `bps` (whole packets, headers included) below b=AS: RR + REMB naming its stream.
   * Chromium takes a REMB as the receiver's limit until the next one. False when the browser did not negotiate
   * goog-remb or the leg is not connected.
   */
  limitBitrate(bps: number): boolean {
    if (!this.browserTakesRemb || !(bps > 0)) return false;
    return this.sendRtcp(serializeRtcp([
      new RtcpReceiverReport(this.localSsrc), new ReceiverEstimatedMaxBitrate(this.localSsrc, bps, [this.remoteSsrc]),
    ]));
  }

  /** A (compound) RTCP packet toward the browser. */
  sendRtcp(packet: Uint8Array): boolean {
    const n = this.path && this.state === "connected" ? this.path.sendRtcp(packet) : 0;
    if (n === 0) { this.stats.sendDropped++; return false; }
    this.stats.rtcpSent.packets++;
    this.stats.rtcpSent.bytes += packet.length;
    return true;
  }

  /** Asks the browser's encoder for a keyframe (RR + PLI). Returns false when not connected. */
  requestKeyframe(): boolean {
    const compound = serializeRtcp([
      new RtcpReceiverReport(this.localSsrc), new PictureLossIndication(this.localSsrc, this.remoteSsrc),
    ]);
    const sent = this.sendRtcp(compound);
    if (sent) this.stats.keyframeRequestsSent++;
    return sent;
  }

  close(reason: AgentVideoLegCloseReason = "local"): void {
    if (this.state === "closed") return;
    if (this.state === "connected") legsConnected.dec();
    this.state = "closed";
    legsClosed.inc({ reason });
    this.clock.clearTimeout(this.connectTimer);
    this.clock.clearTimeout(this.inactivityTimer);
    this.path?.close();
    this.nack?.cache.clear();
    this.pc?.close().catch((err: unknown) => log.debug("werift close failed", { err }));
    log.info("agent video leg closed", { reason, stats: this.stats });
    this.emit("closed", reason);
    this.removeAllListeners();
  }

  private createPeerConnection(choice: H264Choice): RTCPeerConnection {
    const iceServers = this.options.iceServers ?? [];
    const v6 = this.host.includes(":");
    const accept = this.options.acceptRemoteAddress;
    return new RTCPeerConnection({
      codecs: {
        video: [new RTCRtpCodecParameters({
          mimeType: "video/H264", clockRate: 90000, parameters: choice.answerFmtp,
          rtcpFeedback: [{ type: "nack" }, { type: "nack", parameter: "pli" }, { type: "ccm", parameter: "fir" }, { type: "goog-remb" }],
        })],
      },
      headerExtensions: { video: [] },
      iceServers,
      iceLite: iceServers.length === 0,
      // Gather on the configured address only: no interface enumeration, bind to that address.
      iceUseIpv4: false,
      iceUseIpv6: false,
      iceAdditionalHostAddresses: [this.host],
      iceInterfaceAddresses: v6 ? { udp6: this.host } : { udp4: this.host },
      icePortRange: this.options.portRange,
      ...(accept && {
        iceFilterStunResponse: (_msg, addr) => accept(addr[0]),
        iceFilterCandidatePair: (pair) => accept(pair.remoteCandidate.host),
      }),
    });
  }

  private createMediaPath(transceiver: RTCRtpTransceiver): LegMediaPath {
    const handlers: MediaPathHandlers = {
      rtp: (p) => this.onRtp(p),
      rtcp: (p) => this.onRtcp(p),
      rejected: () => { this.stats.receiveRejected++; },
      failed: (err) => {
        log.warn("browser leg media path failed", { err });
        this.close("media-path-failed");
      },
    };
    if (this.mediaPath === "werift") return new WeriftMediaPath(transceiver, handlers);
    return new DtlsSrtpMediaPath(asWeriftDtlsTransport(transceiver.dtlsTransport), handlers);
  }

  private watch(pc: RTCPeerConnection): void {
    pc.connectionStateChange.subscribe((s) => {
      if (this.closed) return;
      if (s === "connected" && this.state !== "connected") {
        this.state = "connected";
        legsConnected.inc();
        this.clock.clearTimeout(this.connectTimer);
        this.lastRtcpAt = this.clock.now();
        this.checkActivity();
        this.emit("connected");
      } else if (s === "failed") {
        const dtlsFailed = pc.getTransceivers()[0]?.dtlsTransport.state === "failed";
        this.close(dtlsFailed ? "dtls-failed" : "ice-failed");
      } else if (s === "closed") {
        this.close("remote");
      }
    });
    pc.getTransceivers()[0]?.dtlsTransport.onStateChange.subscribe((s) => {
      if (s === "closed" && !this.closed) this.close("remote");
    });
  }

  private onRtp(packet: Uint8Array): void {
    const stats = this.stats.rtpReceived;
    stats.packets++;
    stats.bytes += packet.length;
    if (this.remoteSsrc === 0) this.remoteSsrc = readSsrc(packet);
    this.emit("rtp", packet);
  }

  private onRtcp(packet: Uint8Array): void {
    this.lastRtcpAt = this.clock.now();
    this.keyframeSeen = null;
    this.nackSpans.length = 0;
    try { walkRtcp(packet, this.visitRtcp); } catch {
      this.stats.receiveRejected++;
      return;
    }
    this.stats.rtcpReceived.packets++;
    this.stats.rtcpReceived.bytes += packet.length;
    this.emit("rtcp", packet);
    if (this.nackSpans.length > 0) this.answerNacks(packet);
    if (this.keyframeSeen) {
      this.stats.keyframeRequestsReceived++;
      this.emit("keyframe-request", this.keyframeSeen);
    }
  }

  private readonly visitRtcp = (packetType: number, count: number, offset: number, length: number): void => {
    if (packetType === RTPFB && count === RTPFB_NACK && this.nack) this.nackSpans.push(offset, length);
    if (packetType !== PSFB) return;
    if (count === PSFB_PLI) this.keyframeSeen ??= "pli";
    else if (count === PSFB_FIR) this.keyframeSeen = "fir";
  };

  /** Resends what the cache holds of each NACK about our stream; the rest is reported as "nack". */
  private answerNacks(compound: Uint8Array): void {
    const spans = this.nackSpans;
    for (let i = 0; i < spans.length; i += 2) {
      let nack: GenericNack;
      try { nack = GenericNack.deSerialize(compound.subarray(spans[i]!, spans[i]! + spans[i + 1]!)); } catch {
        this.stats.receiveRejected++;
        continue;
      }
      if (nack.mediaSsrc !== this.localSsrc) continue;
      const missed = this.nack!.serve(nack.lost, this.clock.now(), this.transmitRtp);
      if (missed.length > 0) this.emit("nack", missed);
    }
  }

  /** Protects and sends one caller packet (a first send or a retransmission); false when dropped. */
  private readonly transmitRtp = (packet: Uint8Array): boolean =>
    !!this.path && this.state === "connected" && this.path.sendRtp(packet, this.choice!.payloadType, this.localSsrc) > 0;

  /** Closes the leg after inactivityTimeoutMs without browser RTCP; checks a few times per period (no per-packet timer work). */
  private checkActivity(): void {
    const limit = this.options.inactivityTimeoutMs ?? 15_000;
    const idle = this.clock.now() - this.lastRtcpAt;
    if (idle >= limit) { this.close("inactive"); return; }
    this.inactivityTimer = this.clock.setTimeout(() => this.checkActivity(), Math.min(limit - idle, Math.ceil(limit / 3)));
  }

  /** Resolves when werift has gathered every candidate, or when the leg closes first (connect timeout). */
  private gatheringComplete(pc: RTCPeerConnection): Promise<void> {
    if (pc.iceGatheringState === "complete") return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => { sub.unSubscribe(); this.off("closed", done); resolve(); };
      const sub = pc.iceGatheringStateChange.subscribe((s) => { if (s === "complete") done(); });
      this.on("closed", done);
    });
  }

  /** Our answer as sent: b=AS cap added, host candidates rewritten to publicIp when configured. */
  private announce(sdp: string): string {
    const kbps = this.options.maxBitrateKbps ?? this.choice?.callerMaxBitrateKbps;
    if (kbps !== undefined) sdp = withBandwidth(sdp, Math.max(1, Math.round(kbps)));
    const pub = this.options.publicIp;
    if (!pub) return sdp;
    return sdp.replace(/^(a=candidate:\S+ \d+ \S+ \d+ )(\S+)( \d+ typ host)/gm,
      (line, head: string, addr: string, tail: string) => (addr === this.host ? `${head}${pub}${tail}` : line));
  }
}

/** Adds b=AS to the (only) video m-section, after its c= line (RFC 4566 field order), replacing any b=AS there. */
function withBandwidth(sdp: string, kbps: number): string {
  const eol = sdp.includes("\r\n") ? "\r\n" : "\n";
  const lines = sdp.split(eol).filter((l) => !l.startsWith("b=AS:"));
  const m = lines.findIndex((l) => l.startsWith("m=video"));
  if (m < 0) return sdp;
  const c = lines.findIndex((l, i) => i > m && l.startsWith("c="));
  lines.splice(c > m ? c + 1 : m + 1, 0, `b=AS:${kbps}`);
  return lines.join(eol);
}
