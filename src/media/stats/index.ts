export { RtpReceiveStats } from "./rtp-receive-stats.ts";
export { RtpSendStats } from "./rtp-send-stats.ts";
export { BitrateMeter } from "./bitrate-meter.ts";
export { RttEstimator, roundTripMs } from "./rtt.ts";
export { MediaTimeout } from "./media-timeout.ts";
