export {
  MediaEndpoint, type MediaEndpointOptions, type MediaEndpointEvents, type MediaKind, type RemoteMedia, type RtpSink, type RtpTap,
} from "./media-endpoint.ts";
export { Bridge, type BridgeOptions, type BridgeDirectionOptions, type BridgeDirection } from "./bridge.ts";
export type { MediaEndpointStats, ReceiveDirectionStats, SendDirectionStats } from "./endpoint-stats.ts";
export { Latch, LatchResult, type LatchOptions, type SourcePolicy, type SourceRestriction, type TransportAddress } from "./latch.ts";
export { OutboundRewriter } from "./outbound-rewriter.ts";
export { PayloadTypeMap, DROP_PAYLOAD_TYPE, type PayloadTypeMapping } from "./payload-type-map.ts";
export { plainTransform, type PacketTransform } from "./transform.ts";
export type { RtcpFeedback } from "./rtcp-feedback.ts";
export type { DropReason } from "./drop-reason.ts";
export {
  RetransmissionCache, DEFAULT_RETRANSMISSION_AGE_MS, DEFAULT_RETRANSMISSION_PACKETS, type RetransmissionCacheOptions,
} from "./retransmission-cache.ts";
export { NackResponder, DEFAULT_MIN_RESEND_INTERVAL_MS, type NackCounters, type NackLegKind, type NackResult, type Resend } from "./nack-responder.ts";
export type { RelayLeg, RelayLegEvents, RelayBridge, RelayLegFactory, RelayLegSpec } from "./relay-leg.ts";
export { LocalRelayLegs } from "./local-relay-legs.ts";
