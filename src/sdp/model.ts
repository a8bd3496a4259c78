/**
 * Typed model of a session description. Parsed from text by parser.ts, written by writer.ts
 * (both on sdp-transform). Every value here is validated; attributes the model does not
 * know are kept verbatim in `extra` so a description survives a round trip.
 */
export type Direction = "sendrecv" | "sendonly" | "recvonly" | "inactive";
export type AddressType = "IP4" | "IP6";
export type BandwidthType = "AS" | "TIAS" | "CT" | "RR" | "RS";
export type DtlsSetup = "actpass" | "active" | "passive" | "holdconn";

export interface Origin {
  readonly username: string;
  /** Kept as text: real session ids exceed 2^53. */
  readonly sessionId: string;
  readonly version: bigint;
  readonly addressType: AddressType;
  readonly address: string;
}

export interface Connection {
  readonly addressType: AddressType;
  readonly address: string;
}

export interface Bandwidth {
  readonly type: BandwidthType;
  /** kbit/s for AS/CT, bit/s for TIAS and RR/RS. */
  readonly value: number;
}

/** One `key=value` (or bare `flag`) of an a=fmtp line, in the order written. */
export interface FmtpParam {
  readonly key: string;
  readonly value?: string;
}

export interface RtcpFeedback {
  /** "nack", "ccm", "goog-remb", "transport-cc", "trr-int" ... */
  readonly type: string;
  /** "pli", "fir", "tmmbr"; the interval for trr-int. */
  readonly subtype?: string;
}

/** One RTP payload format of an m-line: rtpmap + fmtp + its own a=rtcp-fb lines. */
export interface Codec {
  readonly payloadType: number;
  /** Encoding name as written ("H264", "telephone-event"); "" for an unknown dynamic type without rtpmap. */
  readonly name: string;
  readonly clockRate: number;
  /** Audio channels; absent means 1. */
  readonly channels?: number;
  readonly params: readonly FmtpParam[];
  readonly rtcpFb: readonly RtcpFeedback[];
}

export interface Extmap {
  readonly id: number;
  readonly direction?: Direction;
  readonly uri: string;
  readonly config?: string;
}

/** RFC 6236 a=imageattr, sets kept as written ("[x=320,y=240] [x=240,y=320]" or "*"). */
export interface ImageAttr {
  readonly payloadType: number | "*";
  readonly send?: string;
  readonly recv?: string;
}

/** RFC 4568 a=crypto (SDES). Keys are supplied by the caller; this is only the attribute. */
export interface Crypto {
  readonly tag: number;
  readonly suite: string;
  /** "inline:<base64 key||salt>[|lifetime][|MKI:len]" */
  readonly keyParams: string;
  readonly sessionParams?: string;
}

/** RFC 5939 capability negotiation attributes of one m-line (or the session). */
export interface CapabilityNegotiation {
  /** a=tcap, numbered: one entry per transport protocol. */
  readonly transports: readonly { readonly id: number; readonly protocol: string }[];
  /** a=acap: attribute capabilities ("crypto:1 AES_CM_128_HMAC_SHA1_80 inline:..."). */
  readonly attributes: readonly { readonly id: number; readonly attribute: string }[];
  readonly potential: readonly PotentialConfiguration[];
  /** a=acfg in an answer: the configuration the answerer took. */
  readonly actual?: ActualConfiguration;
}

export interface PotentialConfiguration {
  readonly id: number;
  /** Alternatives of transport capability ids (t=1|2). Empty: the m-line's own protocol. */
  readonly transports: readonly number[];
  /** Alternatives, each a list of attribute capability ids (a=1,2|3). Mandatory ids only. */
  readonly attributeSets: readonly (readonly number[])[];
}

export interface ActualConfiguration {
  readonly id: number;
  readonly transport?: number;
  readonly attributes: readonly number[];
}

export interface IceParameters {
  readonly ufrag: string;
  readonly pwd: string;
  readonly options?: string;
  readonly lite?: boolean;
}

export interface DtlsParameters {
  readonly fingerprint: { readonly algorithm: string; readonly value: string };
  readonly setup?: DtlsSetup;
}

export interface MediaDescription {
  /** "audio", "video", "application", "image" ... */
  readonly kind: string;
  readonly port: number;
  readonly protocol: string;
  /** m-line formats as written (payload type numbers for RTP). */
  readonly formats: readonly string[];
  readonly connection?: Connection;
  readonly bandwidth: readonly Bandwidth[];
  readonly direction?: Direction;
  /** One per RTP format, in m-line order (static types filled in). Empty for non-RTP media. */
  readonly codecs: readonly Codec[];
  /** a=rtcp-fb:* lines. */
  readonly rtcpFbAll: readonly RtcpFeedback[];
  readonly rtcp?: { readonly port: number; readonly connection?: Connection };
  readonly rtcpMux: boolean;
  readonly rtcpRsize: boolean;
  readonly extmaps: readonly Extmap[];
  readonly imageattrs: readonly ImageAttr[];
  readonly crypto: readonly Crypto[];
  readonly capabilities: CapabilityNegotiation;
  readonly mid?: string;
  readonly ptime?: number;
  readonly maxptime?: number;
  readonly ice?: IceParameters;
  readonly dtls?: DtlsParameters;
  /** a=candidate values without the "candidate:" prefix. */
  readonly candidates: readonly string[];
  readonly endOfCandidates: boolean;
  /** Attributes not modelled above, verbatim without "a=". */
  readonly extra: readonly string[];
}

export interface SessionDescription {
  readonly origin: Origin;
  readonly name: string;
  readonly connection?: Connection;
  readonly bandwidth: readonly Bandwidth[];
  readonly timing: { readonly start: number; readonly stop: number };
  readonly direction?: Direction;
  readonly groups: readonly { readonly semantics: string; readonly mids: readonly string[] }[];
  readonly ice?: IceParameters;
  readonly iceLite: boolean;
  readonly dtls?: DtlsParameters;
  readonly capabilities: CapabilityNegotiation;
  readonly extra: readonly string[];
  readonly media: readonly MediaDescription[];
}

export const NO_CAPABILITIES: CapabilityNegotiation = { transports: [], attributes: [], potential: [] };

/** RTP profiles this module negotiates. */
export const RTP_PROFILES = ["RTP/AVP", "RTP/AVPF", "RTP/SAVP", "RTP/SAVPF", "UDP/TLS/RTP/SAVPF", "UDP/TLS/RTP/SAVP"] as const;

export function isRtpProtocol(protocol: string): boolean {
  return (RTP_PROFILES as readonly string[]).includes(protocol.toUpperCase());
}

/** SRTP keyed by SDES a=crypto (RTP/SAVP, RTP/SAVPF); DTLS-SRTP profiles are keyed by DTLS instead. */
export function isSdesProtocol(protocol: string): boolean {
  return /^RTP\/SAVPF?$/i.test(protocol);
}

export function isFeedbackProtocol(protocol: string): boolean {
  return /AVPF$/i.test(protocol);
}

/** The connection that applies to an m-line (media level overrides session level). */
export function effectiveConnection(sd: SessionDescription, m: MediaDescription): Connection | undefined {
  return m.connection ?? sd.connection;
}

/** Direction that applies to an m-line; sendrecv when neither level says. */
export function effectiveDirection(sd: SessionDescription, m: MediaDescription): Direction {
  return m.direction ?? sd.direction ?? "sendrecv";
}

/** The same direction seen from the other end (sendonly <-> recvonly). */
export function mirrorDirection(d: Direction): Direction {
  return d === "sendonly" ? "recvonly" : d === "recvonly" ? "sendonly" : d;
}

/** A fresh, empty media description for builders. */
export function emptyMedia(kind: string, protocol: string, port: number): MediaDescription {
  return {
    kind, port, protocol, formats: [], bandwidth: [], codecs: [], rtcpFbAll: [], rtcpMux: false,
    rtcpRsize: false, extmaps: [], imageattrs: [], crypto: [], capabilities: NO_CAPABILITIES,
    candidates: [], endOfCandidates: false, extra: [],
  };
}
