export {
  AgentVideoLeg, type AgentVideoLegOptions, type AgentVideoLegEvents, type AgentVideoLegCloseReason,
  type IceServer, type NegotiatedVideo,
} from "./agent-video-leg.ts";
export type { AgentVideoLegStats, DirectionCounters } from "./leg-stats.ts";
export { chooseBrowserH264, restrictBrowserOffer, type H264Choice, type RestrictedOffer } from "./browser-offer.ts";
export { WebRtcLegError, type WebRtcLegErrorCode } from "./errors.ts";
export type { MediaPathName } from "./media-path.ts";
