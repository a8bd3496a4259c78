/**
 * One call = one incident. The caller's SIP leg is answered with the call center's audio and our video;
 * the call center gets an audio-only SIP leg; the bound agent's browser gets the video. Every change is a
 * SessionEvent. A leg that ends takes down exactly what depends on it: the caller or the call center
 * ending ends the session; the agent's video leg ending leaves the call running.
 */
import type { MediaEndpoint, RelayBridge, RelayLeg } from "../media/relay/index.ts";
import { MEDIA_CONTROL_CONTENT_TYPE, parseMediaControl } from "../media/keyframe/index.ts";
import {
  createOrigin, formatWarning, mergeAnswers, parseSdp, serializeSdp, splitOffer, withMediaAdded, withMediaRemoved,
  type AnswerResult, type NegotiatedStream, type SessionDescription, type SplitPlan,
} from "../sdp/index.ts";
import type { SipResponse } from "../sip/message/index.ts";
import type { CallerLocation, IncomingCall, IncomingRefer, RemoteOffer, TerminationInfo } from "../sip/ua/index.ts";
import { CallCenterLeg } from "./callcenter-leg.ts";
import { SessionLegs } from "./session-legs.ts";
import { callerLocationOf } from "./caller-location.ts";
import { createLogger } from "../observability/log.ts";
import { agentFrom } from "./agent-identity.ts";
import type { AgentSessionView } from "./agent-protocol.ts";
import type { BindingSource, LegKind, SessionState } from "./events.ts";
import { callerVideoOffer, callerVideoPolicy, clockRatesOf, payloadMap, pointEndpointAt, readAnswerSafely, remoteMediaOf, sdesPolicy } from "./media-policy.ts";
import { SessionSetupError, statusForCaller } from "./setup-error.ts";
import type { CallCenterTrunk, SessionContext } from "./session-context.ts";
import { RtcpReporter } from "./rtcp-reporter.ts";
import { requestKeyframeOnce, type RecordedStreams } from "./recording.ts";
import { RecordingControl } from "./recording-control.ts";
import { callerVideoEndpoint, openSessionMedia } from "./session-media.ts";
import { newSessionId } from "./token.ts";
import { VideoLink } from "./video-link.ts";

const log = createLogger("session");

export class Session {
  readonly id: string;
  readonly startedAt: number;
  state: SessionState = "routing";
  agentId: string | null = null;
  /** Where the caller is, when the INVITE said (PIDF-LO by value). */
  location: CallerLocation | null = null;
  private callcenter: CallCenterLeg | undefined;
  private trunk: CallCenterTrunk | undefined;
  private plan!: SplitPlan;
  private callerStreams: readonly NegotiatedStream[] = [];
  private ccAnswer: SessionDescription | undefined;
  /** The last SDP we sent the caller (our answer, or our re-offer): the base of every re-offer. */
  private callerLocal: SessionDescription | undefined;
  private callerVideo: MediaEndpoint | undefined;
  readonly kind: "video" | "audio";
  private callerOffer: SessionDescription;
  private audioBridge: RelayBridge | undefined;
  private video: VideoLink | undefined;
  private readonly legs: SessionLegs;
  private readonly callerOrigin;
  private readonly ccOrigin;
  private readonly sdes = sdesPolicy();
  private rtcp: RtcpReporter | undefined;
  private readonly recording: RecordingControl;
  private ended = false;
  private hangups: Promise<void> = Promise.resolve();
  private readonly onEndCallbacks: (() => void)[] = [];

  private constructor(
    private readonly ctx: SessionContext,
    private readonly caller: IncomingCall,
    initialOffer: SessionDescription,
    readonly callerNumber: string | null,
    readonly callerDisplayName: string | null,
    private readonly callerAudio: RelayLeg,
    callerVideo: MediaEndpoint | undefined,
    private readonly ccAudio: RelayLeg,
  ) {
    this.callerVideo = callerVideo;
    this.kind = callerVideo ? "video" : "audio";
    this.callerOffer = initialOffer;
    this.id = newSessionId(ctx.nodeId);
    this.startedAt = ctx.clock.now();
    this.callerOrigin = createOrigin({ address: ctx.mediaAddress });
    this.ccOrigin = createOrigin({ address: ctx.mediaAddress });
    this.legs = new SessionLegs({ sessionId: this.id, clock: ctx.clock, emit: (e) => ctx.emit(e), statsOf: (kind) => this.legStats(kind) });
    this.recording = new RecordingControl({
      sessionId: this.id, policy: ctx.recording, clock: ctx.clock,
      connected: () => this.state === "connected",
      streams: () => this.recordedStreams(),
      // The agent's video link has its own keyframe requester; without one, ask the caller once.
      requestKeyframe: (video) => (this.video ? this.video.requestCallerKeyframe(true) : requestKeyframeOnce(video, ctx.clock)),
    });
  }

  get hasVideo(): boolean { return this.callerVideo !== undefined && this.videoStream() !== undefined; }
  get isEnded(): boolean { return this.ended; }

  /** Takes an INVITE from a caller trunk: allocates media and calls the call center. Throws SessionSetupError. */
  static async start(ctx: SessionContext, caller: IncomingCall, trunkName: string): Promise<Session> {
    const { offer, callerAudio, callerVideo, ccAudio } = await openSessionMedia(ctx, caller);
    const from = caller.request.from;
    try {
      const session = new Session(ctx, caller, offer, from.uri.user ?? null, from.displayName, callerAudio, callerVideo, ccAudio);
      session.begin(trunkName);
      return session;
    } catch (err) {
      for (const e of [callerAudio, callerVideo, ccAudio]) e?.close();
      if (err instanceof SessionSetupError) throw err;
      throw new SessionSetupError(503, `no media resources: ${(err as Error).message}`);
    }
  }

  private begin(trunkName: string): void {
    const { ctx } = this;
    ctx.emit({ type: "session.created", sessionId: this.id, at: this.startedAt, kind: this.kind, callerNumber: this.callerNumber, callerDisplayName: this.callerDisplayName, trunk: trunkName });
    this.legs.started("caller", this.caller.callId, `${this.caller.request.from.uri.host}`);
    const located = callerLocationOf(this.caller.request);
    if (located) {
      this.location = located.location;
      ctx.emit({ type: "caller.location", sessionId: this.id, at: this.startedAt, ...located });
    }
    this.caller.on("cancelled", () => void this.end("caller cancelled", "caller"));
    this.caller.on("terminated", (info) => this.onLegTerminated("caller", info));
    this.caller.on("remote-offer", (offer) => this.onCallerReoffer(offer));
    this.caller.on("info", (info) => {
      const mc = info.contentType === MEDIA_CONTROL_CONTENT_TYPE ? parseMediaControl(new TextDecoder().decode(info.body)) : null;
      if (mc?.pictureFastUpdate) this.video?.requestBrowserKeyframe();
    });
    // A queue may ring for minutes with a silent caller: only a connected call can time out (the answer re-arms the timer).
    this.callerAudio.on("timeout", () => {
      if (this.state === "connected") void this.end("media timeout", "system");
    });
    // Audio legs close only with the session, unless the media thread failed: the call cannot go on without them.
    for (const leg of [this.callerAudio, this.ccAudio]) leg.on("closed", () => void this.end("media relay failed", "system", 500));

    const trunk = ctx.callcenter();
    if (!trunk) return this.fail(503, "no call center trunk is configured");
    this.trunk = trunk;
    const split = splitOffer(this.callerOffer, { origin: this.ccOrigin, transport: { address: ctx.mediaAddress, port: this.ccAudio.rtpPort } });
    if (!split.ok) return this.fail(488, split.rejection.detail, formatWarning(split.rejection, ctx.sipHost));
    this.plan = split.plan;
    const leg = new CallCenterLeg({
      ua: ctx.ua, trunk, target: trunk.uri, sessionId: this.id, callerNumber: this.callerNumber,
      callerDisplayName: this.callerDisplayName, sipHost: ctx.sipHost, offer: split.offer,
    });
    this.callcenter = leg;
    this.legs.started("callcenter", leg.callId, trunk.uri);
    leg.on("ringing", (status) => {
      this.setState("ringing");
      this.legs.state("callcenter", "ringing", status);
      if (!this.audioBridge) this.caller.progress(180);
    });
    leg.on("early-media", (answer, stream) => this.onCallCenterEarlyMedia(answer, stream));
    leg.on("answered", (answer, stream, response) => this.onCallCenterAnswered(answer, stream, response));
    leg.on("failed", (status, reason) => this.fail(statusForCaller(status), `call center answered ${status} ${reason}`));
    this.watchCallCenter(leg);
  }

  /** What every call-center leg does once it carries the call: media moves, agent changes, REFER, its end. */
  private watchCallCenter(leg: CallCenterLeg): void {
    leg.on("ended", (info) => {
      if (leg === this.callcenter) this.onLegTerminated("callcenter", info);
    });
    leg.on("media-changed", (stream) => {
      if (leg === this.callcenter) this.callCenterMediaMoved(stream);
    });
    leg.on("agent", (agentId) => {
      if (leg === this.callcenter && this.state === "connected") this.bindAgent(agentId, "transfer");
    });
    leg.on("refer", (refer) => this.onCallCenterRefer(leg, refer));
  }

  /**
   * Blind transfer by the call center (RFC 3515): we call the Refer-To target with the same audio offer; when it
   * answers, its audio replaces the old leg's, the agent it names gets the video, and the old leg is hung up.
   */
  private onCallCenterRefer(from: CallCenterLeg, refer: IncomingRefer): void {
    const target = /^<?(sips?:[^>\s]+)>?/.exec(refer.referTo.trim())?.[1];
    if (this.state !== "connected" || from !== this.callcenter || !target || !this.trunk) return void refer.reject(target ? 603 : 400);
    const { leg, progress } = from.transfer(refer, target);
    leg.on("answered", (_answer, stream) => {
      const old = this.callcenter!;
      this.legs.ended("callcenter", "transferred", { stats: null });
      this.callcenter = leg;
      this.legs.started("callcenter", leg.callId, target);
      this.legs.state("callcenter", "connected");
      this.callCenterMediaMoved(stream);
      void progress?.notify(200, "OK").finally(() => void old.hangup());
    });
    this.watchCallCenter(leg);
  }

  /** The call center's audio now comes from (and goes to) `stream`'s address: a re-INVITE from it, or a transfer. */
  private callCenterMediaMoved(stream: NegotiatedStream): void {
    const remote = remoteMediaOf(stream);
    if (remote) this.ccAudio.setRemote(remote);
    this.audioBridge?.resync();
  }

  /** Our answer to a caller offer: the call center's audio choice plus our video. */
  private answerCaller(offer: SessionDescription): AnswerResult {
    return mergeAnswers(offer, this.plan, this.ccAnswer!, {
      origin: this.callerOrigin,
      audioTransport: { address: this.ctx.mediaAddress, port: this.callerAudio.rtpPort },
      audio: { rtcpMux: false, sdes: this.sdes },
      video: this.callerVideo && !this.callerVideo.closed ? callerVideoPolicy({ address: this.ctx.mediaAddress, port: this.callerVideo.rtpPort }, this.sdes) : undefined,
    });
  }

  private applyCallerStreams(streams: readonly NegotiatedStream[]): void {
    const previous = this.callerStreams;
    this.callerStreams = streams;
    const audio = streams[this.plan.audioIndex];
    this.applyStream(this.callerAudio, audio, previous[audio.index]);
    const video = this.videoStream();
    if (video && this.callerVideo) {
      this.applyStream(this.callerVideo, video, previous[video.index]);
    } else if (this.video) {
      this.closeVideo("video removed");
    }
  }

  private applyStream(endpoint: RelayLeg, stream: NegotiatedStream, previous: NegotiatedStream | undefined): void {
    const problem = pointEndpointAt(endpoint, stream, previous);
    if (problem) log.warn("caller SDES keys unusable: media on this stream will be dropped", { session: this.id, err: problem });
  }

  /** A re-INVITE/UPDATE from the caller: session refresh, hold, video removed or added back. */
  private onCallerReoffer(offer: RemoteOffer): void {
    if (!this.callerLocal || this.state !== "connected") return void offer.reject(491);
    // Without an offer the caller wants ours: the session as it stands.
    if (offer.sdp === null) return void offer.accept(serializeSdp(this.callerLocal!));
    let next: SessionDescription;
    try {
      next = parseSdp(offer.sdp);
    } catch {
      return void offer.reject(488);
    }
    if (next.media.length < this.callerOffer.media.length) return void offer.reject(488);
    const hadVideo = this.hasVideo;
    const answer = this.answerCaller(next);
    if (!answer.ok) return void offer.reject(488, undefined, [["Warning", formatWarning(answer.rejection, this.ctx.sipHost)]]);
    this.callerOffer = next;
    this.callerLocal = answer.answer;
    this.applyCallerStreams(answer.streams);
    this.audioBridge?.resync();
    offer.accept(serializeSdp(answer.answer));
    if (hadVideo !== this.hasVideo) this.videoChanged(this.hasVideo ? "added" : "removed", "caller");
  }

  /**
   * The call center's audio answer (in a 183 = early media such as queue announcements, or in the 200) joins the
   * caller's audio. Returns false when it cannot be merged (the session is then ended).
   */
  private connectAudio(answer: SessionDescription, cc: NegotiatedStream): boolean {
    this.ccAnswer = answer;
    const merged = this.answerCaller(this.callerOffer);
    if (!merged.ok) {
      void this.end(merged.rejection.detail, "callcenter", 488);
      return false;
    }
    this.callerLocal = merged.answer;
    this.applyCallerStreams(merged.streams);
    const callerAudioStream = merged.streams[this.plan.audioIndex];
    this.ccAudio.setRemote(remoteMediaOf(cc));
    this.ccAudio.setClockRates(clockRatesOf(cc));
    this.rtcp ??= new RtcpReporter(this.ctx.clock, () => [this.callerAudio, this.callerVideo, this.ccAudio], `avsplit@${this.id}`);
    this.audioBridge = this.ctx.audioLegs.bridge(this.callerAudio, this.ccAudio, {
      aToB: { payloadTypes: payloadMap([[callerAudioStream.receivePayloadType, cc.codec?.payloadType], [callerAudioStream.telephoneEvent?.payloadType, cc.telephoneEvent?.payloadType]]) },
      bToA: { payloadTypes: payloadMap([[cc.receivePayloadType, callerAudioStream.codec?.payloadType]]) },
    });
    return true;
  }

  private onCallCenterEarlyMedia(answer: SessionDescription, cc: NegotiatedStream): void {
    if (this.ended || this.audioBridge) return;
    if (!this.connectAudio(answer, cc)) return;
    this.caller.progress(183, { sdp: serializeSdp(this.callerLocal!), reliable: true });
  }

  private onCallCenterAnswered(answer: SessionDescription, cc: NegotiatedStream, response: SipResponse): void {
    if (this.ended) return;
    if (this.audioBridge) {
      // Early media already gave the caller its answer; the 200 may still move the call center's media.
      this.ccAudio.setRemote(remoteMediaOf(cc));
      this.audioBridge.resync();
    } else if (!this.connectAudio(answer, cc)) return;
    if (this.callerVideo && !this.videoStream()) this.callerVideo.close();
    void this.caller.answer(serializeSdp(this.callerLocal!)).then((ok) => {
      if (!ok) return;
      this.setState("connected");
      this.legs.state("caller", "connected");
      this.legs.state("callcenter", "connected");
      this.recording.answered();
      const agent = agentFrom(response, this.trunk!.agentFrom);
      if (agent) this.bindAgent(agent, "callcenter");
      else log.info("the call center's answer names no agent: waiting for manual binding", { session: this.id });
    });
  }

  /**
   * 110 flow: the agent asks a voice caller for video. We re-INVITE the caller adding an H.264 m-line; the
   * phone asks its user. Resolves "added" when the caller accepted, "rejected" (with the status) when not.
   */
  async requestVideo(by: string): Promise<{ outcome: "added" | "rejected"; status: number }> {
    if (this.state !== "connected" || !this.callerLocal) throw new SessionSetupError(409, "the call is not connected");
    if (this.hasVideo) return { outcome: "added", status: 200 };
    if (!this.callerVideo || this.callerVideo.closed) {
      this.callerVideo = await callerVideoEndpoint(this.ctx);
    }
    const { offer, index } = withMediaAdded(this.callerLocal, callerVideoOffer({ address: this.ctx.mediaAddress, port: this.callerVideo.rtpPort }));
    const { result, streams } = await this.reofferCaller(offer);
    if (!streams?.[index]?.accepted) {
      this.ctx.emit({ type: "media.video", sessionId: this.id, at: this.ctx.clock.now(), direction: "rejected", by });
      if (streams) this.adoptCallerOffer(offer, streams, index, "reject");
      return { outcome: "rejected", status: result.ok ? 488 : result.status };
    }
    this.adoptCallerOffer(offer, streams, index, "local");
    this.videoChanged("added", by);
    return { outcome: "added", status: 200 };
  }

  /** Video -> audio: re-INVITE the caller with the video stream removed (m=video 0), at once. */
  async stopVideo(by: string): Promise<void> {
    const video = this.videoStream();
    if (!video || !this.callerLocal || this.state !== "connected") return;
    const offer = withMediaRemoved(this.callerLocal, video.index);
    this.closeVideo("video removed");
    const { streams } = await this.reofferCaller(offer);
    if (streams) this.adoptCallerOffer(offer, streams, video.index, "reject");
    this.videoChanged("removed", by);
  }

  /** The caller's video came or went: the recording follows, it is journaled, and the agent's widget is told. */
  private videoChanged(direction: "added" | "removed", by: string): void {
    this.recording.mediaChanged();
    this.ctx.emit({ type: "media.video", sessionId: this.id, at: this.ctx.clock.now(), direction, by });
    if (this.agentId) this.ctx.agents.send(this.agentId, { type: "session", session: this.view() });
  }

  /** Re-INVITEs the caller with `offer`; `streams` is its answer read against it (undefined: refused or bad SDP). */
  private async reofferCaller(offer: SessionDescription) {
    const result = await this.caller.reinvite(serializeSdp(offer));
    const streams = result.ok && result.sdp ? readAnswerSafely(offer, result.sdp) : undefined;
    if (result.ok && result.sdp && !streams) log.warn("caller answered our re-offer with bad SDP", { session: this.id });
    return { result, streams };
  }

  /** Our re-offer was answered: it is now the session's SDP, and m-line `index` is routed as given. */
  private adoptCallerOffer(offer: SessionDescription, streams: readonly NegotiatedStream[], index: number, route: "local" | "reject"): void {
    this.callerLocal = offer;
    const routes = [...this.plan.routes];
    routes[index] = route;
    this.plan = { ...this.plan, routes };
    this.applyCallerStreams(streams);
  }

  private videoStream(): NegotiatedStream | undefined {
    return this.callerStreams.find((s) => s.kind === "video" && s.accepted && s.codec);
  }

  get isRecording(): boolean { return this.recording.active; }

  /** Recording on request (mode "on-demand"); returns the recording id. Throws SessionSetupError. */
  startRecording(by: string): string { return this.recording.start(by); }
  stopRecording(by: string): void { this.recording.stop(by); }

  /** The caller's audio and video endpoints with the streams negotiated on them now. */
  private recordedStreams(): RecordedStreams {
    const audio = this.callerStreams[this.plan.audioIndex];
    const video = this.videoStream();
    return {
      audio: audio && { endpoint: this.callerAudio, stream: audio },
      video: video && this.callerVideo && !this.callerVideo.closed ? { endpoint: this.callerVideo, stream: video } : undefined,
    };
  }

  /** Binds the session to an agent (from the call center's answer, a transfer, or by hand); the previous agent loses the video. */
  bindAgent(agentId: string, source: BindingSource, by?: string): void {
    if (this.ended || agentId === this.agentId) return;
    const previous = this.agentId;
    this.agentId = agentId;
    this.ctx.emit({ type: "session.bound", sessionId: this.id, at: this.ctx.clock.now(), agentId, previousAgentId: previous, source, by });
    if (previous) {
      this.closeVideo("transferred");
      this.ctx.agents.send(previous, { type: "unbound", sessionId: this.id, reason: "transferred" });
    }
    this.ctx.agents.send(agentId, { type: "session", session: this.view() });
  }

  /** Per-leg media counters, for the console and tests. */
  mediaStats() {
    return {
      callerAudio: this.callerAudio.stats(),
      callerVideo: this.callerVideo?.stats(),
      callcenterAudio: this.ccAudio.stats(),
      agentVideo: this.video ? { ...this.video.stats } : undefined,
    };
  }

  view(): AgentSessionView {
    return {
      id: this.id,
      kind: this.kind,
      callerNumber: this.callerNumber,
      state: this.state,
      video: this.state === "connected" && this.hasVideo,
      recording: this.isRecording,
      recordingMode: this.recording.mode,
      location: this.location,
      iceServers: this.ctx.webrtc.iceServers,
    };
  }

  /** The bound agent's browser offers its video leg; resolves with our answer. */
  async joinVideo(agentId: string, offerSdp: string): Promise<string> {
    if (agentId !== this.agentId) throw new SessionSetupError(403, `session ${this.id} is not bound to agent ${agentId}`);
    const stream = this.videoStream();
    if (!stream || !this.callerVideo || this.state !== "connected") throw new SessionSetupError(409, "the call has no video to join");
    this.closeVideo("rejoined");
    const link = new VideoLink({
      agentId,
      callerVideo: this.callerVideo,
      callerStream: stream,
      webrtc: this.ctx.webrtc,
      clock: this.ctx.clock,
      sendSipInfo: (type, body) => void this.caller.info(type, body).catch(() => undefined),
    });
    this.video = link;
    const legId = this.legs.started("agent", null, agentId);
    link.on("connected", () => this.legs.state("agent", "connected"));
    link.on("closed", (reason) => {
      if (this.video === link) this.video = undefined;
      // A join that failed (ICE/DTLS timeout under load, network): the widget is told again so it re-offers.
      if (reason !== "local" && reason !== "remote" && this.agentId === agentId && this.state === "connected") {
        this.ctx.agents.send(agentId, { type: "session", session: this.view() });
      }
      this.legs.ended("agent", reason, { legId, stats: { ...link.stats } as unknown as Record<string, unknown> });
    });
    return link.accept(offerSdp);
  }

  private closeVideo(reason: string): void {
    if (!this.video) return;
    log.debug("closing agent video", { session: this.id, reason });
    this.video.close("local");
  }

  private setState(state: SessionState, reason?: string): void {
    if (this.state === state || this.ended) return;
    this.state = state;
    this.ctx.emit({ type: "session.state", sessionId: this.id, at: this.ctx.clock.now(), state, reason });
  }

  /** A SIP leg's media counters as they stand, kept with its leg.ended event for the session's record. */
  private legStats(kind: LegKind): Record<string, unknown> | undefined {
    if (kind === "caller") return { audio: this.callerAudio.stats(), video: this.callerVideo?.stats() };
    if (kind === "callcenter") return { audio: this.ccAudio.stats() };
    return undefined;
  }

  private onLegTerminated(kind: "caller" | "callcenter", info: TerminationInfo): void {
    this.legs.ended(kind, info.reason, { status: info.status });
    // The user agent rejects a caller leg on its own only when nobody answered it within its ring timeout.
    const why = kind === "caller" && info.reason === "rejected" ? `caller not answered within the ring timeout (${info.status})` : `${kind} ${info.reason}`;
    void this.end(why, kind, info.status);
  }

  /** Setup failed before the caller was answered: the caller gets `status` (and a Warning). */
  private fail(status: number, reason: string, warning?: string): void {
    void this.end(reason, "system", status, warning);
  }

  /**
   * Ends the session: each leg still up gets its BYE/CANCEL/error, media is freed. Idempotent. Resolves when
   * the BYEs are answered (or have failed), so a shutdown can wait for them before closing the SIP stack.
   */
  end(reason: string, from: "caller" | "callcenter" | "agent" | "system", status?: number, warning?: string): Promise<void> {
    if (this.ended) return this.hangups;
    this.ended = true;
    const hangups: Promise<unknown>[] = [];
    this.state = "ended";
    log.info("session ended", { session: this.id, reason, from });
    if (from !== "caller") {
      if (this.caller.state === "established") hangups.push(this.caller.hangup());
      else if (this.caller.state === "early") {
        this.caller.reject(status && status >= 400 ? statusForCaller(status) : 480, undefined, warning ? [["Warning", warning]] : []);
      }
    }
    if (this.callcenter && from !== "callcenter") hangups.push(this.callcenter.hangup());
    if (this.agentId) this.ctx.agents.send(this.agentId, { type: "unbound", sessionId: this.id, reason });
    this.recording.end(`session ended (${from})`);
    this.video?.close("local");
    this.rtcp?.close();
    this.audioBridge?.close();
    this.legs.endAll((kind) => (from === kind ? reason : `session ended: ${reason}`));
    for (const e of [this.callerAudio, this.callerVideo, this.ccAudio]) e?.close();
    this.ctx.emit({ type: "session.ended", sessionId: this.id, at: this.ctx.clock.now(), reason });
    for (const cb of this.onEndCallbacks) cb();
    this.hangups = Promise.allSettled(hangups).then(() => undefined);
    return this.hangups;
  }

  onEnd(cb: () => void): void {
    if (this.ended) cb();
    else this.onEndCallbacks.push(cb);
  }
}
