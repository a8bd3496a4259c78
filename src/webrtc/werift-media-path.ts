/**
 * werift's own media path (RTCRtpSender.sendRtp / track.onReceiveRtp / RTCDtlsTransport RTCP): kept as
 * the reference the lean path is measured against, and as a fallback.
 */
import { RtcpPacketConverter, type RTCRtpTransceiver } from "werift";
import { createLogger } from "../observability/log.ts";
import type { LegMediaPath, MediaPathHandlers } from "./media-path.ts";

const log = createLogger("webrtc");

export class WeriftMediaPath implements LegMediaPath {
  readonly name = "werift" as const;
  private readonly unsubscribe: (() => void)[] = [];
  private closed = false;

  constructor(private readonly transceiver: RTCRtpTransceiver, handlers: MediaPathHandlers) {
    const rtp = transceiver.receiver.track.onReceiveRtp.subscribe((p) => handlers.rtp(p.serialize()));
    const rtcp = transceiver.dtlsTransport.onRtcp.subscribe((p) => handlers.rtcp(p.serialize()));
    this.unsubscribe.push(() => rtp.unSubscribe(), () => rtcp.unSubscribe());
  }

  /** werift rewrites PT and SSRC itself (to the negotiated codec and its sender SSRC). */
  sendRtp(packet: Uint8Array, _payloadType: number, _ssrc: number): number {
    if (this.closed) return 0;
    const buf = Buffer.isBuffer(packet) ? packet : Buffer.from(packet.buffer, packet.byteOffset, packet.byteLength);
    this.transceiver.sender.sendRtp(buf).catch((err: unknown) => log.debug("werift sendRtp failed", { err }));
    return packet.length;
  }

  sendRtcp(packet: Uint8Array): number {
    if (this.closed || this.transceiver.dtlsTransport.state !== "connected") return 0;
    let packets;
    try { packets = RtcpPacketConverter.deSerialize(Buffer.from(packet)); } catch { return 0; }
    this.transceiver.dtlsTransport.sendRtcp(packets).catch((err: unknown) => log.debug("werift sendRtcp failed", { err }));
    return packet.length;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const u of this.unsubscribe) u();
  }
}
