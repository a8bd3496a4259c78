/**
 * The per-packet media path of a browser leg, behind one interface so the leg can run on werift's own
 * RTP stack or on the lean SRTP path (and a benchmark can compare both in one run).
 */
export interface MediaPathHandlers {
  /** Decrypted RTP from the browser, in a buffer of its own (never reused by the path). */
  rtp(packet: Uint8Array): void;
  /** Decrypted (compound) RTCP from the browser, same ownership. */
  rtcp(packet: Uint8Array): void;
  /** Packets that arrived but could not be used (SRTP authentication, replay, malformed). */
  rejected(kind: "rtp" | "rtcp"): void;
  /** The path cannot run (e.g. no usable SRTP keys); the leg closes. */
  failed(error: Error): void;
}

export type MediaPathName = "lean" | "werift";

export interface LegMediaPath {
  readonly name: MediaPathName;
  /** Sends one RTP packet with its PT and SSRC set to `payloadType`/`ssrc`; never modifies `packet`. Returns bytes sent (0 = dropped). */
  sendRtp(packet: Uint8Array, payloadType: number, ssrc: number): number;
  /** Sends one (compound) RTCP packet; returns bytes sent (0 = dropped). */
  sendRtcp(packet: Uint8Array): number;
  close(): void;
}
