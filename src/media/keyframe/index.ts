export {
  MEDIA_CONTROL_CONTENT_TYPE, buildPictureFastUpdate, buildGeneralError, parseMediaControl, type MediaControl,
} from "./media-control.ts";
export { peerFeedbackFromRtcpFb, type PeerFeedback } from "./peer-feedback.ts";
export {
  KeyframeRequester, DEFAULT_KEYFRAME_MIN_INTERVAL_MS, type KeyframeAction, type KeyframeDiscardReason,
  type KeyframeRequesterOptions,
} from "./keyframe-requester.ts";
export { KeyframeRequestDetector } from "./keyframe-request-detector.ts";
