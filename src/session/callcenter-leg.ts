/**
 * One audio-only SIP call to the voice call center (the first one, or one placed to a REFER's target),
 * reduced to what the session cares about: ringing, answered with its audio stream, failed, re-offers
 * that move media or name another agent, REFER, and its end.
 */
import { parseSdp, readAnswer, serializeSdp, type NegotiatedStream, type SessionDescription } from "../sdp/index.ts";
import type { SipResponse } from "../sip/message/index.ts";
import type { IncomingRefer, OutgoingCall, ReferProgress, RemoteOffer, SipUserAgent, TerminationInfo } from "../sip/ua/index.ts";
import { TypedEmitter } from "../util/typed-emitter.ts";
import { agentFrom } from "./agent-identity.ts";
import type { CallCenterTrunk } from "./session-context.ts";

export interface CallCenterLegEvents {
  ringing: [status: number];
  /** A provisional with SDP: the call center plays ringback or announcements (early media). */
  "early-media": [answer: SessionDescription, stream: NegotiatedStream];
  answered: [answer: SessionDescription, stream: NegotiatedStream, response: SipResponse];
  failed: [status: number, reason: string];
  /** A re-INVITE/UPDATE moved the call center's media. */
  "media-changed": [stream: NegotiatedStream];
  /** A re-INVITE/UPDATE (or the 200) named an agent: the ACD moved the call. */
  agent: [agentId: string];
  refer: [IncomingRefer];
  ended: [TerminationInfo];
}

export interface PlaceCallOptions {
  ua: SipUserAgent;
  trunk: CallCenterTrunk;
  /** Request-URI: the trunk's, or a REFER's target. */
  target: string;
  sessionId: string;
  callerNumber: string | null;
  callerDisplayName: string | null;
  sipHost: string;
  offer: SessionDescription;
  extraHeaders?: [string, string][];
}

export class CallCenterLeg extends TypedEmitter<CallCenterLegEvents> {
  readonly call: OutgoingCall;
  readonly offer: SessionDescription;
  readonly target: string;

  constructor(private readonly opts: PlaceCallOptions) {
    super();
    this.offer = opts.offer;
    this.target = opts.target;
    const numberUri = `sip:${opts.callerNumber ?? "anonymous"}@${opts.sipHost}`;
    const display = opts.callerDisplayName ? `"${opts.callerDisplayName.replace(/["\\\r\n]/g, "")}" ` : "";
    this.call = opts.ua.invite({
      target: opts.target,
      from: `${display}<${numberUri}>`,
      headers: [["P-Asserted-Identity", `<${numberUri}>`], [opts.trunk.correlationHeader, opts.sessionId], ...(opts.extraHeaders ?? [])],
      sdp: serializeSdp(opts.offer),
      credentials: opts.trunk.credentials,
    });
    this.call.on("progress", (p) => {
      if (p.sdp) this.onEarlyAnswer(p.sdp);
      if (p.status === 180 || p.status === 183) this.emit("ringing", p.status);
    });
    this.call.on("answered", (a) => this.onAnswered(a.sdp, a.response));
    this.call.on("failed", (f) => this.emit("failed", f.status, f.reason));
    this.call.on("terminated", (info) => this.emit("ended", info));
    this.call.on("remote-offer", (offer) => this.onRemoteOffer(offer));
    this.call.on("refer", (refer) => this.emit("refer", refer));
  }

  get callId(): string { return this.call.callId; }
  get state() { return this.call.state; }

  private onAnswered(sdp: string | null, response: SipResponse): void {
    if (!sdp) return this.abandon(488, "the call center answered without SDP");
    try {
      const answer = parseSdp(sdp);
      const [stream] = readAnswer(this.offer, answer);
      if (!stream.accepted) return this.abandon(488, "the call center rejected the audio stream");
      this.emit("answered", answer, stream, response);
      const agent = agentFrom(response, this.opts.trunk.agentFrom);
      if (agent) this.emit("agent", agent);
    } catch (err) {
      this.abandon(488, `bad SDP answer from the call center: ${(err as Error).message}`);
    }
  }

  private onEarlyAnswer(sdp: string): void {
    try {
      const answer = parseSdp(sdp);
      const [stream] = readAnswer(this.offer, answer);
      if (stream.accepted) this.emit("early-media", answer, stream);
    } catch {
      // Unusable early SDP: the caller just hears nothing until the 200.
    }
  }

  /** An answer we cannot use: hang up and report it as a failure. */
  private abandon(status: number, reason: string): void {
    this.emit("failed", status, reason);
    void this.hangup();
  }

  /** Our SDP stays as offered (same relay port); the call center's may move, and it may name another agent. */
  private onRemoteOffer(offer: RemoteOffer): void {
    const agent = agentFrom(offer.request, this.opts.trunk.agentFrom);
    if (offer.sdp !== null) {
      try {
        const [stream] = readAnswer(this.offer, parseSdp(offer.sdp));
        if (stream.accepted) this.emit("media-changed", stream);
      } catch {
        offer.reject(488);
        return;
      }
    }
    offer.accept(serializeSdp(this.offer));
    if (agent) this.emit("agent", agent);
  }

  /**
   * Blind transfer asked by this leg's far end (RFC 3515): accepts the REFER and calls its target with the same audio
   * offer; failures are NOTIFYed here, success is the caller's to report once it has swapped the legs.
   */
  transfer(refer: IncomingRefer, target: string): { leg: CallCenterLeg; progress: ReferProgress | null } {
    const progress = refer.accept();
    const leg = new CallCenterLeg({
      ...this.opts,
      target,
      extraHeaders: refer.referredBy ? [["Referred-By", refer.referredBy]] : [],
    });
    leg.on("failed", (status, reason) => void progress?.notify(status, reason));
    return { leg, progress };
  }

  /** CANCEL while ringing, BYE once established; resolves when the far end answered it. */
  hangup(): Promise<void> {
    if (this.call.state === "early") {
      this.call.cancel();
      return Promise.resolve();
    }
    if (this.call.state === "established") return this.call.hangup();
    return Promise.resolve();
  }
}
