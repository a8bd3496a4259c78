/** What an offer/answer exchange settled for one m-line: the input of the media layer. */
import type { Bandwidth, Codec, Connection, Crypto, Direction, Extmap, ImageAttr, RtcpFeedback } from "./model.ts";

export interface LocalTransport {
  readonly address: string;
  readonly port: number;
  /** Default port + 1; written as a=rtcp only when it is not. */
  readonly rtcpPort?: number;
}

export interface RemoteTransport {
  readonly connection?: Connection;
  readonly port: number;
  readonly rtcpConnection?: Connection;
  readonly rtcpPort: number;
}

export interface NegotiatedStream {
  readonly index: number;
  readonly kind: string;
  readonly mid?: string;
  /** false: the m-line is rejected or removed (port 0). */
  readonly accepted: boolean;
  readonly protocol: string;
  /**
   * The chosen media codec as the far end described it (its payload type, which we send with; its fmtp,
   * e.g. the caller's profile-level-id and sprop-parameter-sets); rtcpFb = the negotiated feedback.
   */
  readonly codec?: Codec;
  /** Payload type the far end sends this codec with (ours in the SDP we sent). */
  readonly receivePayloadType?: number;
  readonly telephoneEvent?: Codec;
  /** Our side's direction on this stream: "sendonly" means we send and the far end does not. */
  readonly direction: Direction;
  readonly rtcpMux: boolean;
  readonly feedback: readonly RtcpFeedback[];
  readonly extmaps: readonly Extmap[];
  readonly imageattrs: readonly ImageAttr[];
  readonly crypto?: { readonly remote: Crypto; readonly local: Crypto };
  /** b= lines of the far end: what it wants to receive. */
  readonly remoteBandwidth: readonly Bandwidth[];
  readonly remote: RemoteTransport;
  /** Why the stream was rejected, for logs. */
  readonly reason?: string;
}
