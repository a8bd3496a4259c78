export { SipUserAgent, type UserAgentOptions, type UserAgentEvents } from "./user-agent.ts";
export { Call, CallStateError, type CallState } from "./call.ts";
export { OutgoingCall, type InviteOptions } from "./outgoing-call.ts";
export { IncomingCall, type ProgressOptions } from "./incoming-call.ts";
export { RemoteOffer, IncomingRefer, type ReferProgress } from "./incoming-requests.ts";
export { OptionsPinger, type TrunkPingOptions, type TrunkState } from "./options-pinger.ts";
export type {
  CallEvents, OfferResult, TerminationReason, TerminationInfo, ProgressInfo, AnsweredInfo, FailedInfo, PrackInfo, InfoRequest,
} from "./call-events.ts";
export { DEFAULT_SESSION_TIMER, type SessionTimerOptions } from "./session-timer-negotiation.ts";
export { conveyedLocationOf, sdpOf, type ConveyedLocation } from "./body.ts";
export { parsePidfLo, PidfLoError, PIDF_CONTENT_TYPE, type CallerLocation, type GeoShape } from "./pidf-lo.ts";
