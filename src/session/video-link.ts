/**
 * The caller's video stream joined to one agent's browser leg: H.264 passed through both ways (payload type
 * mapped), keyframes asked of the caller on join and whenever the browser's decoder asks (PLI/FIR, or SIP INFO
 * picture_fast_update when the caller negotiated no rtcp-fb), and the caller's requests passed to the browser.
 */
import type { MediaEndpoint, RtcpFeedback } from "../media/relay/index.ts";
import { KeyframeRequester, peerFeedbackFromRtcpFb } from "../media/keyframe/index.ts";
import { GenericNack, parseRtcp, serializeRtcp } from "../media/rtcp/index.ts";
import { rembToTmmbr, tmmbnFor, tmmbrToRemb } from "../media/bandwidth/index.ts";
import { RtpHeaderView, writePayloadType } from "../media/rtp/index.ts";
import { formatFmtp, type NegotiatedStream } from "../sdp/index.ts";
import { TypedEmitter } from "../util/typed-emitter.ts";
import type { Clock } from "../util/clock.ts";
import { AgentVideoLeg, type AgentVideoLegCloseReason, type IceServer } from "../webrtc/index.ts";

export interface WebRtcSettings {
  hostAddress: string;
  publicIp?: string;
  iceServers: IceServer[];
  acceptRemoteAddress?: (ip: string) => boolean;
}

export interface VideoLinkOptions {
  agentId: string;
  callerVideo: MediaEndpoint;
  callerStream: NegotiatedStream;
  webrtc: WebRtcSettings;
  clock: Clock;
  /** Sends SIP INFO picture_fast_update to the caller. */
  sendSipInfo(contentType: string, body: string): void;
}

export class VideoLink extends TypedEmitter<{ connected: []; closed: [reason: AgentVideoLegCloseReason] }> {
  readonly agentId: string;
  private readonly leg: AgentVideoLeg;
  private readonly keyframes: KeyframeRequester;
  private readonly view = new RtpHeaderView();
  private readonly callerPt: number;
  private isClosed = false;
  private lastTmmbrBps = 0;
  private readonly callerTakesNack: boolean;

  constructor(private readonly opts: VideoLinkOptions) {
    super();
    this.agentId = opts.agentId;
    const codec = opts.callerStream.codec!;
    this.callerPt = codec.payloadType;
    this.leg = new AgentVideoLeg({
      callerH264Fmtp: formatFmtp(codec.params),
      hostAddress: opts.webrtc.hostAddress,
      publicIp: opts.webrtc.publicIp || undefined,
      iceServers: opts.webrtc.iceServers,
      acceptRemoteAddress: opts.webrtc.acceptRemoteAddress,
      clock: opts.clock,
    });
    const caller = opts.callerVideo;
    this.keyframes = new KeyframeRequester({
      clock: opts.clock,
      senderSsrc: caller.ssrc,
      mediaSsrc: Math.max(0, caller.rx.ssrc),
      peer: peerFeedbackFromRtcpFb([...opts.callerStream.feedback]),
    });
    this.keyframes.on("request", (action) => {
      if (action.kind === "sip-info") opts.sendSipInfo(action.contentType, action.body);
      else caller.sendRtcp(serializeRtcp([action.packet]));
    });
    this.leg.on("rtp", this.fromBrowser);
    this.leg.on("keyframe-request", () => this.requestCallerKeyframe());
    // NACKs are answered from each leg's retransmission cache; what a cache lacks (lost before it reached us) goes
    // to the original sender when that sender takes NACKs.
    this.callerTakesNack = opts.callerStream.feedback.some((f) => f.type === "nack" && !f.subtype);
    this.leg.on("nack", (lost) => this.forwardNackToCaller(lost));
    this.leg.on("connected", () => {
      this.requestCallerKeyframe(true);
      this.emit("connected");
    });
    this.leg.on("closed", (reason) => this.close(reason));
    // The caller's keyframe requests go to the browser. Bandwidth both ways: the caller's TMMBR (VoLTE) caps the
    // browser's encoder through REMB; the browser's REMB becomes a TMMBR toward the caller.
    caller.on("rtcp-feedback", this.onCallerFeedback);
    this.leg.on("rtcp", (compound) => this.onBrowserRtcp(compound));
    caller.sink = (view) => {
      this.leg.sendRtp(view.buffer.subarray(view.offset, view.offset + view.length));
    };
  }

  /** The browser's offer in, our answer out. */
  accept(offerSdp: string): Promise<string> {
    return this.leg.acceptOffer(offerSdp);
  }

  get connected(): boolean { return this.leg.connected; }
  get stats() { return this.leg.stats; }

  /** `force`: on join, regardless of the rate limit. */
  requestCallerKeyframe(force = false): void {
    if (this.isClosed) return;
    const ssrc = this.opts.callerVideo.rx.ssrc;
    if (ssrc >= 0) this.keyframes.setMediaSsrc(ssrc);
    this.keyframes.request({ force });
  }

  /** The caller's decoder asked for a keyframe (RTCP or SIP INFO): ask the browser. */
  requestBrowserKeyframe(): void {
    if (!this.isClosed) this.leg.requestKeyframe();
  }

  private readonly onCallerFeedback = (fb: RtcpFeedback): void => {
    if (this.isClosed) return;
    if (fb.type === "pli" || fb.type === "fir") return this.requestBrowserKeyframe();
    const caller = this.opts.callerVideo;
    if (fb.type === "nack") {
      if (fb.mediaSsrc === caller.ssrc) this.leg.requestRetransmission(fb.lost.map((seq) => caller.rewriter.sourceSequence(seq)));
      return;
    }
    if (fb.type !== "tmmbr") return;
    caller.sendRtcp(serializeRtcp([tmmbnFor(fb, caller.ssrc, fb.senderSsrc)]));
    // The caller's entries name the SSRC it receives from us (the caller leg's); the leg's REMB names the browser's own.
    const limit = tmmbrToRemb(fb, { senderSsrc: caller.ssrc, mediaSsrcs: [caller.ssrc] });
    if (limit) this.leg.limitBitrate(limit.bitrate);
  };

  /** `lost` in the caller's numbering (caller video reaches the browser with its sequence numbers unchanged). */
  private forwardNackToCaller(lost: readonly number[]): void {
    const caller = this.opts.callerVideo;
    if (!this.callerTakesNack || caller.rx.ssrc < 0) return;
    caller.sendRtcp(serializeRtcp([caller.createReport(), new GenericNack(caller.ssrc, caller.rx.ssrc, [...lost])]));
  }

  private onBrowserRtcp(compound: Uint8Array): void {
    let packets;
    try {
      packets = parseRtcp(compound);
    } catch {
      return;
    }
    const caller = this.opts.callerVideo;
    for (const p of packets) {
      if (p.type !== "remb" || caller.rx.ssrc < 0) continue;
      // Browsers repeat REMB every second; the caller hears about changes of more than 10 % only.
      if (Math.abs(p.bitrate - this.lastTmmbrBps) <= this.lastTmmbrBps * 0.1) continue;
      this.lastTmmbrBps = p.bitrate;
      caller.sendRtcp(serializeRtcp([rembToTmmbr(p, { senderSsrc: caller.ssrc, mediaSsrc: caller.rx.ssrc })]));
    }
  }

  private readonly fromBrowser = (packet: Uint8Array): void => {
    if (!this.view.wrap(packet)) return;
    writePayloadType(packet, this.callerPt);
    this.opts.callerVideo.sendRtp(packet, this.view.payloadLength, this.opts.clock.now());
  };

  close(reason: AgentVideoLegCloseReason = "local"): void {
    if (this.isClosed) return;
    this.isClosed = true;
    if (this.opts.callerVideo.sink) this.opts.callerVideo.sink = null;
    this.opts.callerVideo.off("rtcp-feedback", this.onCallerFeedback);
    this.keyframes.close();
    this.leg.close(reason);
    this.emit("closed", reason);
  }
}
