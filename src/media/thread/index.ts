export { MediaThread, type MediaThreadOptions } from "./media-thread.ts";
export { ThreadMediaLeg, ThreadBridge } from "./thread-media-leg.ts";
export { FallbackRelayLegs } from "./fallback-relay-legs.ts";
