/**
 * The caller's video stream joined to one agent's browser leg: H.264 passed through both ways (payload type
 * mapped), keyframes asked of the caller on join and whenever the browser's decoder asks (PLI/FIR, or SIP INFO
 * picture_fast_update when the caller negotiated no rtcp-fb), and the caller's requests passed to the browser.
 */
import type { MediaEndpoint } from "../media/relay/index.ts";
import { KeyframeRequester, peerFeedbackFromRtcpFb } from "../media/keyframe/index.ts";
import { serializeRtcp } from "../media/rtcp/index.ts";
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
    this.leg.on("connected", () => {
      this.requestCallerKeyframe(true);
      this.emit("connected");
    });
    this.leg.on("closed", (reason) => this.close(reason));
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

  private readonly fromBrowser = (packet: Uint8Array): void => {
    if (!this.view.wrap(packet)) return;
    writePayloadType(packet, this.callerPt);
    this.opts.callerVideo.sendRtp(packet, this.view.payloadLength, this.opts.clock.now());
  };

  close(reason: AgentVideoLegCloseReason = "local"): void {
    if (this.isClosed) return;
    this.isClosed = true;
    if (this.opts.callerVideo.sink) this.opts.callerVideo.sink = null;
    this.keyframes.close();
    this.leg.close(reason);
    this.emit("closed", reason);
  }
}
