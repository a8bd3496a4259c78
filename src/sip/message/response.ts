/** Building a response to a request (RFC 3261 §8.2.6, §12.1.1). */
import { SipHeaders } from "./headers.ts";
import { parseNameAddr } from "./name-addr.ts";
import { SipResponse, type SipRequest } from "./message.ts";

const REASONS: Record<number, string> = {
  100: "Trying", 180: "Ringing", 181: "Call Is Being Forwarded", 182: "Queued", 183: "Session Progress",
  199: "Early Dialog Terminated", 200: "OK", 202: "Accepted", 204: "No Notification",
  300: "Multiple Choices", 301: "Moved Permanently", 302: "Moved Temporarily", 305: "Use Proxy",
  380: "Alternative Service", 400: "Bad Request", 401: "Unauthorized", 402: "Payment Required",
  403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed", 406: "Not Acceptable",
  407: "Proxy Authentication Required", 408: "Request Timeout", 410: "Gone", 412: "Conditional Request Failed",
  413: "Request Entity Too Large", 414: "Request-URI Too Long", 415: "Unsupported Media Type",
  416: "Unsupported URI Scheme", 417: "Unknown Resource-Priority", 420: "Bad Extension",
  421: "Extension Required", 422: "Session Interval Too Small", 423: "Interval Too Brief",
  424: "Bad Location Information", 428: "Use Identity Header", 429: "Provide Referrer Identity",
  430: "Flow Failed", 433: "Anonymity Disallowed", 436: "Bad Identity-Info", 437: "Unsupported Certificate",
  438: "Invalid Identity Header", 439: "First Hop Lacks Outbound Support", 440: "Max-Breadth Exceeded",
  469: "Bad Info Package", 470: "Consent Needed", 480: "Temporarily Unavailable",
  481: "Call/Transaction Does Not Exist", 482: "Loop Detected", 483: "Too Many Hops", 484: "Address Incomplete",
  485: "Ambiguous", 486: "Busy Here", 487: "Request Terminated", 488: "Not Acceptable Here",
  489: "Bad Event", 491: "Request Pending", 493: "Undecipherable", 494: "Security Agreement Required",
  500: "Server Internal Error", 501: "Not Implemented", 502: "Bad Gateway", 503: "Service Unavailable",
  504: "Server Time-out", 505: "Version Not Supported", 513: "Message Too Large", 555: "Push Notification Service Not Supported",
  580: "Precondition Failure", 600: "Busy Everywhere", 603: "Decline", 604: "Does Not Exist Anywhere",
  606: "Not Acceptable", 607: "Unwanted", 608: "Rejected",
};

export function reasonPhrase(status: number): string {
  return REASONS[status] ?? REASONS[Math.floor(status / 100) * 100] ?? "Unknown";
}

/** The To of a malformed request (answered 400) may not parse: then it is copied untouched. */
function hasTag(to: string): boolean {
  try {
    return parseNameAddr(to, "To").params.has("tag");
  } catch {
    return true;
  }
}

/** Methods whose 101-299 responses create a dialog, so carry the Record-Route set (§12.1.1, RFC 6665, RFC 3515). */
const DIALOG_CREATING = new Set(["INVITE", "SUBSCRIBE", "REFER", "NOTIFY"]);

/**
 * A response sharing the request's Via(s), From, To, Call-ID and CSeq. `toTag` is added to To when the
 * request's To has none, except on 100 Trying (§8.2.6.2); Record-Route is copied for dialog-creating
 * requests (responses 101-299). Timestamp is echoed in 100 Trying (§8.2.6.1).
 */
export function createResponse(req: SipRequest, status: number, reason?: string, toTag?: string): SipResponse {
  const src = req.headers;
  const h = new SipHeaders();
  for (const [name, value] of src.entries()) if (name === "Via") h.append(name, value);
  const copy = (name: string) => {
    const v = src.get(name);
    if (v !== undefined) h.append(name, v);
  };
  copy("From");
  const to = src.get("To");
  if (to !== undefined) h.append("To", toTag !== undefined && status !== 100 && !hasTag(to) ? `${to};tag=${toTag}` : to);
  copy("Call-ID");
  copy("CSeq");
  if (status > 100 && status < 300 && DIALOG_CREATING.has(req.method)) {
    for (const [name, value] of src.entries()) if (name === "Record-Route") h.append(name, value);
  }
  if (status === 100) copy("Timestamp");
  return new SipResponse(status, reason ?? reasonPhrase(status), h);
}
