/** SIP message layer (RFC 3261 §7, §20, §25): parse, serialize, build responses. */
export { SipParseError } from "./errors.ts";
export { DEFAULT_LIMITS, type ParseLimits } from "./limits.ts";
export { formatUri, isIpv6, isSupportedScheme, parseUri, type SipUri, type UriScheme } from "./uri.ts";
export { formatNameAddr, parseNameAddr, type NameAddr } from "./name-addr.ts";
export { formatVia, parseVia, type Via } from "./via.ts";
export { canonicalName, isListHeader, SipHeaders } from "./headers.ts";
export { parseCSeq, SipMessage, SipRequest, SipResponse, type CSeq } from "./message.ts";
export { parseMessage } from "./parser.ts";
export { frameLength } from "./framing.ts";
export { buildMultipart, contentTypeParam, mediaType, parseMultipart, type BodyPart } from "./multipart.ts";
export { createResponse, reasonPhrase } from "./response.ts";
export { generateBranch, generateCallId, generateTag } from "./ids.ts";
export { quote, splitList, unquote } from "./lex.ts";
