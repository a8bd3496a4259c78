/**
 * MediaEndpoint: one leg's media for one m-line — an RTP socket (and RTCP on +1 unless rtcp-mux) from the
 * port pool, symmetric latching toward the peer, per-leg transform (SRTP), receive/send statistics, media
 * timeout, and the outbound rewriter that keeps what the peer receives one continuous stream.
 * A Bridge connects two endpoints; the session layer reads the typed events and sends RTCP with sendRtcp().
 */
import { systemClock, type Clock, type TimerHandle } from "../../util/clock.ts";
import { TypedEmitter } from "../../util/typed-emitter.ts";
import { createLogger } from "../../observability/log.ts";
import { classifyPacket, readSequenceNumber, readTimestamp, RtpHeaderView } from "../rtp/index.ts";
import {
  compactNtp, GenericNack, ntpFromUnixMs, parseRtcp, RtcpReceiverReport, RtcpSenderReport, RtcpSourceDescription, serializeRtcp,
  type ReportBlock, type RtcpPacket,
} from "../rtcp/index.ts";
import { sdesTransform, type SdesKeys } from "../srtp/index.ts";
import type { PortAllocation, PortPool } from "../ports/index.ts";
import { BitrateMeter, MediaTimeout, RtpReceiveStats, RtpSendStats, RttEstimator } from "../stats/index.ts";
import { countDrop, type DropReason } from "./drop-reason.ts";
import { Latch, LatchResult, type LatchOptions } from "./latch.ts";
import { OutboundRewriter } from "./outbound-rewriter.ts";
import { plainTransform, type PacketTransform } from "./transform.ts";
import { feedbackOf, type RtcpFeedback } from "./rtcp-feedback.ts";
import { RetransmissionCache, type RetransmissionCacheOptions } from "./retransmission-cache.ts";
import { NackResponder } from "./nack-responder.ts";
import type { MediaEndpointStats, SendDirectionStats } from "./endpoint-stats.ts";
import type { RelayLeg } from "./relay-leg.ts";

const log = createLogger("media.relay");

export type MediaKind = "audio" | "video";

/** The peer's media address from its SDP (c= address, m= port, a=rtcp port if any). */
export interface RemoteMedia { address: string; port: number; rtcpPort?: number }

export interface MediaEndpointOptions {
  kind: MediaKind;
  rtcpMux: boolean;
  /** For logs. */
  label?: string;
  clock?: Clock;
  remote?: RemoteMedia | null;
  latch?: LatchOptions;
  /** RTP clock rate per payload type on this leg; others use 8000 (audio) or 90000 (video). */
  clockRates?: Record<number, number>;
  /** No RTP from the peer for this long => "timeout" event; 0 = off. */
  mediaTimeoutMs?: number;
  /** Period of "stats" events; 0 = off. */
  statsIntervalMs?: number;
  transform?: PacketTransform;
  /** The SSRC this leg's peer sees from us (random by default). */
  ssrc?: number;
  /**
   * Keep recently sent packets to answer the peer's NACKs (false = off). Default: on for video, off for audio.
   * The leg then keeps each packet given to sendRtp() by reference: the bytes must not be modified afterwards.
   */
  retransmission?: RetransmissionCacheOptions | false;
}

export interface MediaEndpointEvents {
  latched: [{ kind: "rtp" | "rtcp"; address: string; port: number }];
  timeout: [{ silentForMs: number }];
  /** Every valid RTCP compound received, parsed (the session decides what to forward or translate). */
  rtcp: [packets: RtcpPacket[]];
  /**
   * Feedback to act on. A NACK for our stream is answered from the retransmission cache first: it is reported only
   * with the sequence numbers (ours) the cache did not have, for the session to forward toward the original sender.
   */
  "rtcp-feedback": [feedback: RtcpFeedback];
  stats: [MediaEndpointStats];
  closed: [];
}

/** Receives each valid RTP packet (view wrapped on it) in the datagram callback; must not keep the view. */
export type RtpSink = (view: RtpHeaderView, from: MediaEndpoint, nowMs: number) => void;
/** Observes each valid RTP packet received (a recorder); must not keep or change the view. */
export type RtpTap = (view: RtpHeaderView, nowMs: number) => void;

export class MediaEndpoint extends TypedEmitter<MediaEndpointEvents> implements RelayLeg {
  readonly kind: MediaKind;
  readonly label: string;
  readonly rtcpMux: boolean;
  /** Bridge hook, called synchronously per RTP packet. */
  sink: RtpSink | null = null;
  /** Called before the sink, which may rewrite the packet. */
  tap: RtpTap | null = null;
  /** Packets dropped on this leg (all reasons). */
  dropped = 0;
  readonly rx = new RtpReceiveStats();
  readonly tx = new RtpSendStats();
  readonly rtt = new RttEstimator();
  readonly rewriter: OutboundRewriter;
  /** Answers the peer's NACKs from the packets we sent (null when retransmission is off). */
  readonly nack: NackResponder | null;

  private readonly clock: Clock;
  private readonly view = new RtpHeaderView();
  private readonly rtpLatch: Latch;
  private readonly rtcpLatch: Latch;
  private readonly clockRates = new Int32Array(128);
  private transform: PacketTransform;
  private readonly timeout: MediaTimeout | null;
  private readonly statsIntervalMs: number;
  private statsTimer: TimerHandle | undefined;
  private readonly rxRate = new BitrateMeter();
  private readonly txRate = new BitrateMeter();
  private isClosed = false;
  /** Clock rate of the last packet sent, for the RTP timestamp of our SR and the peer's jitter reports. */
  private txClockRate = 8000;
  private remoteReport: SendDirectionStats["remote"] = null;

  private constructor(private readonly ports: PortAllocation, opts: MediaEndpointOptions) {
    super();
    this.kind = opts.kind;
    this.rtcpMux = opts.rtcpMux;
    this.label = opts.label ?? `${opts.kind}:${ports.rtpPort}`;
    this.clock = opts.clock ?? systemClock;
    this.transform = opts.transform ?? plainTransform;
    this.rewriter = new OutboundRewriter(opts.ssrc ?? randomSsrc());
    const retransmission = opts.retransmission ?? (opts.kind === "video" ? {} : false);
    if (retransmission !== false && !ports.rtp.ownsData) throw new Error("retransmission keeps packets: it needs sockets whose datagrams may be kept");
    this.nack = retransmission === false ? null : new NackResponder(new RetransmissionCache(retransmission), "sip");
    this.rtpLatch = new Latch(opts.latch);
    this.rtcpLatch = new Latch(opts.latch);
    this.setClockRates(opts.clockRates ?? {});
    this.setRemote(opts.remote ?? null);
    const timeoutMs = opts.mediaTimeoutMs ?? 0;
    this.timeout = timeoutMs > 0
      ? new MediaTimeout(this.clock, timeoutMs, () => this.rx.lastPacketAt, (silentForMs) => this.emit("timeout", { silentForMs }))
      : null;
    this.timeout?.start();
    this.rxRate.sample(0, this.clock.now());
    this.txRate.sample(0, this.clock.now());
    this.statsIntervalMs = opts.statsIntervalMs ?? 0;
    if (this.statsIntervalMs > 0) this.armStats();
    ports.rtp.onDatagram(this.onRtpPort);
    ports.rtcp?.onDatagram(this.onRtcpPort);
  }

  /** Allocates the ports (throws PortPoolExhaustedError) and starts receiving. */
  static async create(opts: MediaEndpointOptions & { pool: PortPool }): Promise<MediaEndpoint> {
    return new MediaEndpoint(await opts.pool.allocate({ rtcpMux: opts.rtcpMux }), opts);
  }

  /** On ports bound elsewhere (the media thread's); they are released when the endpoint closes. */
  static onPorts(ports: PortAllocation, opts: MediaEndpointOptions): MediaEndpoint {
    return new MediaEndpoint(ports, opts);
  }

  /** Local ports for our SDP (m= port, a=rtcp). */
  get rtpPort(): number { return this.ports.rtpPort; }
  get rtcpPort(): number { return this.rtcpMux ? this.ports.rtpPort : this.ports.rtcpPort; }
  get host(): string { return this.ports.rtp.host; }
  get ssrc(): number { return this.rewriter.ssrc; }
  get closed(): boolean { return this.isClosed; }
  /** Where RTP goes now (latched source, else the SDP address), or null. */
  get destination(): { address: string; port: number } | null {
    const l = this.rtpLatch;
    return l.address === null ? null : { address: l.address, port: l.port };
  }

  /** New SDP from the peer (answer, re-INVITE): learn its address again and restart the media timeout. */
  setRemote(remote: RemoteMedia | null): void {
    const now = this.clock.now();
    this.rtpLatch.reset(remote && { address: remote.address, port: remote.port }, now);
    this.rtcpLatch.reset(remote && { address: remote.address, port: remote.rtcpPort ?? remote.port + 1 }, now);
    if (!this.isClosed) this.timeout?.start();
  }

  setTransform(transform: PacketTransform | null): void { this.transform = transform ?? plainTransform; }

  setSdes(keys: SdesKeys | null): void { this.setTransform(keys && sdesTransform(keys)); }

  setClockRates(rates: Record<number, number>): void {
    this.clockRates.fill(this.kind === "video" ? 90000 : 8000);
    for (const [pt, rate] of Object.entries(rates)) this.clockRates[Number(pt) & 0x7f] = rate;
  }

  /**
   * Sends one RTP packet (whole `packet`) to the peer, rewriting SSRC/seq/timestamp in place. With retransmission on,
   * the packet is kept (by reference) to answer NACKs.
   */
  sendRtp(packet: Uint8Array, payloadBytes: number, nowMs: number): void {
    if (this.rtpLatch.address === null || this.isClosed) return this.drop("no-destination");
    const rate = this.clockRates[packet[1] & 0x7f];
    this.txClockRate = rate;
    this.rewriter.rewrite(packet, nowMs, rate);
    this.tx.onPacket(packet.length, payloadBytes, readTimestamp(packet), nowMs);
    this.nack?.cache.store(readSequenceNumber(packet), packet, nowMs);
    this.transmitRtp(packet);
  }

  /** Protects and sends an RTP packet already rewritten for this leg (a first send or a retransmission). */
  private readonly transmitRtp = (packet: Uint8Array): boolean => {
    const l = this.rtpLatch;
    if (l.address === null || this.isClosed) { this.drop("no-destination"); return false; }
    const out = this.transform === plainTransform ? packet : this.transform.protectRtp(packet);
    if (out === null) { this.drop("protect-failed"); return false; }
    if (this.ports.rtp.send(out, l.port, l.address)) return true;
    this.drop("send-failed");
    return false;
  };

  /** Sends an RTCP compound to the peer (RTP port when muxed, else RTCP port). False if dropped. */
  sendRtcp(compound: Uint8Array): boolean {
    if (this.isClosed) return false;
    let address: string | null, port: number;
    if (this.rtcpMux) ({ address, port } = this.rtpLatch);
    else if (this.rtcpLatch.latched || !this.rtpLatch.latched) ({ address, port } = this.rtcpLatch);
    else { address = this.rtpLatch.address; port = this.rtpLatch.port + 1; }
    if (address === null) { this.drop("no-destination"); return false; }
    const out = this.transform.protectRtcp(compound);
    if (out === null) { this.drop("protect-failed"); return false; }
    const socket = this.ports.rtcp ?? this.ports.rtp;
    if (socket.send(out, port, address)) return true;
    this.drop("send-failed");
    return false;
  }

  /** Our RTCP report for this leg: an SR once we have sent media (else an RR), with a block about what we receive. */
  createReport(nowMs = this.clock.now()): RtcpSenderReport | RtcpReceiverReport {
    const blocks: ReportBlock[] = this.rx.ssrc < 0 ? [] : [this.rx.reportBlock(nowMs)];
    if (this.tx.packets === 0) return new RtcpReceiverReport(this.ssrc, blocks);
    const ntp = ntpFromUnixMs(nowMs);
    const rtpTs = (this.tx.lastTimestamp + Math.round(((nowMs - this.tx.lastSentAt) * this.txClockRate) / 1000)) >>> 0;
    return new RtcpSenderReport(this.ssrc, ntp.seconds, ntp.fraction, rtpTs, this.tx.packets >>> 0, this.tx.payloadBytes >>> 0, blocks);
  }

  /** Our report with an SDES CNAME (RFC 3550 §6), when the peer's address is known. False if not sent. */
  sendReport(cname: string, nowMs = this.clock.now()): boolean {
    if (this.destination === null) return false;
    const sdes = new RtcpSourceDescription([{ ssrc: this.ssrc, items: [{ type: 1, text: cname }] }]);
    return this.sendRtcp(serializeRtcp([this.createReport(nowMs), sdes]));
  }

  /** Counters now; bitrates over the time since the previous stats() call. */
  stats(nowMs = this.clock.now()): MediaEndpointStats {
    const rx = this.rx;
    return {
      at: nowMs,
      rx: {
        packets: rx.packets, bytes: rx.bytes, bitrateBps: this.rxRate.sample(rx.bytes, nowMs),
        lost: rx.lost, expected: rx.expected, jitterMs: rx.jitterMs,
        ssrc: rx.ssrc < 0 ? null : rx.ssrc, lastPacketAt: rx.lastPacketAt < 0 ? null : rx.lastPacketAt,
      },
      tx: {
        packets: this.tx.packets, bytes: this.tx.bytes, bitrateBps: this.txRate.sample(this.tx.bytes, nowMs), ssrc: this.ssrc,
        remote: this.remoteReport, nack: this.nack && { ...this.nack.counters },
      },
      rttMs: this.rtt.lastMs,
      dropped: this.dropped,
    };
  }

  /** Idempotent: stops timers, closes the sockets and returns the ports to the pool, then emits "closed". */
  close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.sink = null;
    this.tap = null;
    this.timeout?.stop();
    this.clock.clearTimeout(this.statsTimer);
    this.ports.release();
    this.nack?.cache.clear();
    this.emit("closed");
    this.removeAllListeners();
  }

  private readonly onRtpPort = (data: Uint8Array, port: number, address: string, truncated: boolean): void => {
    if (truncated) return this.drop("truncated");
    const kind = classifyPacket(data);
    if (kind === "rtp") this.receiveRtp(data, port, address);
    else if (kind === "rtcp") this.receiveRtcp(data, port, address, this.rtpLatch, "rtp");
    else this.drop(kind === "stun" ? "stun" : kind === "dtls" ? "dtls" : "not-rtp");
  };

  private readonly onRtcpPort = (data: Uint8Array, port: number, address: string, truncated: boolean): void => {
    if (truncated) return this.drop("truncated");
    const kind = classifyPacket(data);
    if (kind === "rtcp") this.receiveRtcp(data, port, address, this.rtcpLatch, "rtcp");
    else this.drop(kind === "stun" ? "stun" : kind === "dtls" ? "dtls" : kind === "rtp" ? "rtp-on-rtcp-port" : "not-rtp");
  };

  private receiveRtp(data: Uint8Array, port: number, address: string): void {
    const packet = this.transform === plainTransform ? data : this.transform.unprotectRtp(data);
    if (packet === null) return this.drop("unprotect-failed");
    const view = this.view;
    if (!view.wrap(packet)) return this.drop("rtp-malformed");
    const now = this.clock.now();
    const latch = this.rtpLatch.check(address, port, now);
    if (latch === LatchResult.Reject) return this.drop("source-mismatch");
    if (latch === LatchResult.Latched) this.emitLatched("rtp", address, port);
    const pt = view.payloadType;
    this.rx.onPacket(view.ssrc, view.sequenceNumber, view.timestamp, pt, packet.length, now, this.clockRates[pt]);
    if (this.tap !== null) this.tap(view, now);
    const sink = this.sink;
    if (sink !== null) sink(view, this, now);
  }

  private receiveRtcp(data: Uint8Array, port: number, address: string, latch: Latch, kind: "rtp" | "rtcp"): void {
    const compound = this.transform.unprotectRtcp(data);
    if (compound === null) return this.drop("unprotect-failed");
    let packets: RtcpPacket[];
    try {
      packets = parseRtcp(compound);
    } catch (err) {
      log.debug("bad RTCP dropped", { leg: this.label, err });
      return this.drop("rtcp-malformed");
    }
    const now = this.clock.now();
    const result = latch.check(address, port, now);
    if (result === LatchResult.Reject) return this.drop("source-mismatch");
    if (result === LatchResult.Latched && kind === "rtcp") this.emitLatched("rtcp", address, port);
    for (const p of packets) {
      if (p.type === "sr") {
        this.rx.onSenderReport(compactNtp(p.ntpSeconds, p.ntpFraction), now);
        this.onReportBlocks(p.reports, now);
      } else if (p.type === "rr") {
        this.onReportBlocks(p.reports, now);
      } else {
        const fb = p.type === "nack" ? this.answerNack(p, now) : feedbackOf(p);
        if (fb) this.emit("rtcp-feedback", fb);
      }
    }
    this.emit("rtcp", packets);
  }

  /** Resends what our cache holds; returns the NACK of the rest (null when nothing is left to forward). */
  private answerNack(nack: GenericNack, now: number): GenericNack | null {
    if (this.nack === null || nack.mediaSsrc !== this.ssrc) return nack;
    const missed = this.nack.serve(nack.lost, now, this.transmitRtp);
    return missed.length === 0 ? null : new GenericNack(nack.senderSsrc, nack.mediaSsrc, [...missed]);
  }

  /** Blocks about our own stream: the peer's view of what we send, and RTT when they answer our SRs. */
  private onReportBlocks(blocks: ReportBlock[], now: number): void {
    for (const b of blocks) {
      if (b.ssrc !== this.ssrc) continue;
      this.rtt.onReportBlock(b.lsr, b.dlsr, now);
      this.remoteReport = {
        fractionLost: b.fractionLost / 256, packetsLost: b.packetsLost, jitterMs: (b.jitter * 1000) / this.txClockRate, at: now,
      };
    }
  }

  private emitLatched(kind: "rtp" | "rtcp", address: string, port: number): void {
    log.debug("latched", { leg: this.label, kind, address, port });
    this.emit("latched", { kind, address, port });
  }

  /** Counts a dropped packet against this leg (also used by the bridge). */
  drop(reason: DropReason): void {
    this.dropped++;
    countDrop(reason);
  }

  private armStats(): void {
    this.statsTimer = this.clock.setTimeout(() => {
      this.emit("stats", this.stats());
      if (!this.isClosed) this.armStats();
    }, this.statsIntervalMs);
  }
}

export function randomSsrc(): number {
  return crypto.getRandomValues(new Uint32Array(1))[0];
}
