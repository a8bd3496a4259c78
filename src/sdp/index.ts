/** src/sdp public API: a library of pure functions over typed session descriptions. */
export * from "./model.ts";
export { SdpError, formatWarning, rejection, type SdpErrorCode, type SdpRejection, type WarnCode } from "./errors.ts";
export {
  parseSdp, serializeSdp, createOrigin, nextLocalDescription, isRemoteModification, addressTypeOf,
  DEFAULT_PARSE_LIMITS, type ParseLimits,
} from "./session-description.ts";
export { parseFmtp, formatFmtp, fmtpValue, withFmtp } from "./fmtp.ts";
export {
  STATIC_PAYLOAD_TYPES, sameFormat, matchCodecs, telephoneEventFor, intersectFeedback, feedback, isTelephoneEvent, isAuxiliary,
  type CodecSpec, type CodecMatch,
} from "./codecs.ts";
export * from "./h264.ts";
export { RELAYED_H264_FORMATS, G711_FORMATS, SIP_VIDEO_FEEDBACK, VIDEO_EXTMAP_URIS } from "./defaults.ts";
export { chooseCrypto, inlineKey, parseCryptoAttribute, type SdesPolicy, type SrtpSuite } from "./crypto.ts";
export { choosePotentialConfiguration, protocolFromAnswer, type ChosenConfiguration } from "./capneg.ts";
export { answerOffer, answerDirection, policyByKind, type AnswerPolicy, type AnswerResult, type MediaPolicy } from "./offer-answer.ts";
export { buildMediaOffer, readAnswer, type MediaOfferSpec } from "./offer.ts";
export { reofferUnchanged, withMediaAdded, withMediaRemoved } from "./reoffer.ts";
export { splitOffer, mergeAnswers, type SplitPlan, type SplitOptions, type SplitResult, type MergeOptions, type Route } from "./split-merge.ts";
export {
  buildBrowserOffer, answerBrowserOffer, pickBrowserH264, browserProfileLevelId, remoteIceOf, BROWSER_PROFILE_LEVEL_ID, BROWSER_FEEDBACK,
  type BrowserLegParameters,
} from "./browser.ts";
export type { LocalTransport, RemoteTransport, NegotiatedStream } from "./negotiated.ts";
