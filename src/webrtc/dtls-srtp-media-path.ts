/**
 * Lean media path: werift keeps ICE and DTLS; once DTLS is up we take the SRTP keys from it and own
 * every RTP/RTCP packet: RFC 7983 demux on the first byte straight off the UDP socket, SRTP/SRTCP with
 * src/media/srtp (reused key state, ROC estimation that survives loss across a wrap), sends straight to
 * the nominated pair's socket — through Bun's synchronous native UDP send when available, so one output
 * buffer serves every packet. werift's RTCRtpSender/Receiver never see a packet.
 */
import { createLogger } from "../observability/log.ts";
import { writeSsrc } from "../media/rtp/index.ts";
import { SrtpSession, srtpProfileByDtlsId } from "../media/srtp/index.ts";
import { WebRtcLegError } from "./errors.ts";
import type { LegMediaPath, MediaPathHandlers } from "./media-path.ts";
import {
  syncUdpSend, udpTransportOf, type SyncUdpSend, type WeriftCandidatePair, type WeriftDtlsTransport, type WeriftUdpTransport,
} from "./werift-internals.ts";

const log = createLogger("webrtc");

interface Hook { transport: WeriftUdpTransport; original: WeriftUdpTransport["onData"] }

/** Sends one protected packet to the nominated pair; true when handed to the kernel. */
type PairSend = (data: Uint8Array) => boolean;

/** Output buffer reused for every sent packet when the send is synchronous (bigger packets get their own). */
const SCRATCH_BYTES = 2048;

export class DtlsSrtpMediaPath implements LegMediaPath {
  readonly name = "lean" as const;
  private session: SrtpSession | undefined;
  private readonly hooks: Hook[] = [];
  private closed = false;
  private sendPair: WeriftCandidatePair | undefined;
  private pairSend: PairSend | undefined;
  /** Set while pairSend copies synchronously (Bun's native UDP send): then one output buffer serves all packets. */
  private scratch: Buffer | undefined;

  /** Must be constructed before werift starts DTLS (i.e. before setLocalDescription). */
  constructor(
    private readonly dtls: WeriftDtlsTransport,
    private readonly handlers: MediaPathHandlers,
  ) {
    dtls.startSrtp = () => this.start();
    // werift's sender/receiver RTCP timers still run; with no SRTP context of their own they must not send.
    dtls.sendRtp = async () => 0;
    dtls.sendRtcp = async () => undefined;
  }

  sendRtp(packet: Uint8Array, payloadType: number, ssrc: number): number {
    const session = this.session;
    const send = this.sender();
    if (!session || !send) return 0;
    const len = packet.length;
    const out = this.output(len + session.protector.rtpOverhead);
    out.set(packet);
    out[1] = (out[1]! & 0x80) | (payloadType & 0x7f);
    writeSsrc(out, ssrc);
    const enc = session.protectRtp(out.subarray(0, len), out);
    return enc && send(enc) ? enc.length : 0;
  }

  sendRtcp(packet: Uint8Array): number {
    const session = this.session;
    const send = this.sender();
    if (!session || !send) return 0;
    const enc = session.protectRtcp(packet, this.output(packet.length + session.protector.rtcpOverhead));
    return enc && send(enc) ? enc.length : 0;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const h of this.hooks) h.transport.onData = h.original;
    this.hooks.length = 0;
    this.session = undefined;
  }

  private start(): void {
    if (this.closed || this.session) return;
    try { this.startSrtp(); } catch (err) { this.handlers.failed(err as Error); }
  }

  private startSrtp(): void {
    const socket = this.dtls.dtls;
    const profile = srtpProfileByDtlsId(socket?.srtp?.srtpProfile ?? -1);
    if (!socket || typeof socket.extractSessionKeys !== "function") {
      throw new WebRtcLegError("werift-internals", "werift DTLS socket has no extractSessionKeys");
    }
    if (!profile) throw new WebRtcLegError("werift-internals", `DTLS negotiated an unknown SRTP profile ${socket.srtp?.srtpProfile}`);
    const k = socket.extractSessionKeys(profile.masterKeyLength, profile.masterSaltLength);
    this.session = new SrtpSession({
      profile,
      local: { masterKey: k.localKey, masterSalt: k.localSalt },
      remote: { masterKey: k.remoteKey, masterSalt: k.remoteSalt },
      maxSsrcs: 8,
    });
    for (const protocol of this.dtls.iceTransport.connection.protocols) {
      const transport = udpTransportOf(protocol);
      if (transport) this.hook(transport);
    }
    log.debug("lean SRTP path started", { profile: profile.name, sockets: this.hooks.length });
  }

  private hook(transport: WeriftUdpTransport): void {
    const original = transport.onData;
    this.hooks.push({ transport, original });
    transport.onData = (data, addr) => {
      const b0 = data[0]!;
      // RFC 7983: 128..191 is RTP/RTCP; STUN (0..3) and DTLS (20..63) stay with werift.
      if (b0 < 128 || b0 > 191) { original(data, addr); return; }
      this.receive(data);
    };
  }

  private receive(data: Buffer): void {
    const session = this.session;
    if (!session || data.length < 12) { this.handlers.rejected("rtp"); return; }
    const pt = data[1]!;
    if (pt >= 192 && pt <= 223) {
      const plain = session.unprotectRtcp(data);
      if (plain) this.handlers.rtcp(plain); else this.handlers.rejected("rtcp");
    } else {
      const plain = session.unprotectRtp(data);
      if (plain) this.handlers.rtp(plain); else this.handlers.rejected("rtp");
    }
  }

  /** Send function of the nominated pair (rebuilt when ICE nominates another pair). */
  private sender(): PairSend | undefined {
    const pair = this.dtls.iceTransport.connection.nominated;
    if (pair !== this.sendPair) {
      this.sendPair = pair;
      this.pairSend = pair ? this.pairSender(pair) : undefined;
    }
    return this.pairSend;
  }

  private pairSender(pair: WeriftCandidatePair): PairSend | undefined {
    const transport = udpTransportOf(pair.protocol);
    if (!transport) return undefined;
    const [address, port] = pair.remoteAddr;
    const sync: SyncUdpSend | undefined = syncUdpSend(transport.socket);
    this.scratch = sync ? (this.scratch ?? Buffer.allocUnsafe(SCRATCH_BYTES)) : undefined;
    if (sync) return (data) => sync(data, port, address);
    return (data) => { transport.socket.send(data, port, address); return true; };
  }

  /** Where to protect into: the scratch buffer when sends copy synchronously, else a Buffer of its own. */
  private output(needed: number): Buffer {
    const s = this.scratch;
    return s && needed <= s.length ? s : Buffer.allocUnsafe(needed);
  }
}
