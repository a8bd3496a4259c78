export type { FilterVerdict, InboundFilter } from "./inbound-filter.ts";
export { ListenSpecError, parseListenSpec, type ListenSpec } from "./listen-spec.ts";
export { StreamFramer, FramingError } from "./stream-framer.ts";
export { SipTransportLayer, type TransportLayerOptions } from "./transport-layer.ts";
export type { TlsFiles } from "./stream-transport.ts";
export {
  bracketHost, DEFAULT_PORT, type Destination, type Endpoint, endpointKey, type InboundMessage, isReliable,
  protocolFromVia, type TransportProtocol, unbracket,
} from "./types.ts";
export { responseDestination, stampReceived } from "./via-routing.ts";
