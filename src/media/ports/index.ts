export {
  PortPool, DEFAULT_RECEIVE_BUFFER, bindRtpPair, closeRtpPair, type PortPoolOptions, type AllocateOptions, type PortAllocation, type RtpPair,
} from "./port-pool.ts";
export { MediaSocket, type DatagramHandler } from "./media-socket.ts";
export { parsePortRange, type PortRange } from "./port-range.ts";
export { PortPoolExhaustedError, PortRangeError, PortPoolClosedError } from "./errors.ts";
