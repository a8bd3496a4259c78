/** Requests the transaction layer builds itself: CANCEL (RFC 3261 §9.1) and the ACK for a non-2xx (§17.1.1.3). */
import { SipHeaders, SipRequest, type SipResponse } from "../message/index.ts";

/** Headers copied from the INVITE, then CSeq with the new method; one Via (the INVITE's top one). */
function derive(invite: SipRequest, method: string, to: string): SipRequest {
  const h = new SipHeaders();
  h.append("Via", invite.headers.getAll("Via")[0] ?? "");
  for (const route of invite.headers.getAll("Route")) h.append("Route", route);
  h.append("Max-Forwards", "70");
  h.append("From", invite.headers.get("From") ?? "");
  h.append("To", to);
  h.append("Call-ID", invite.headers.get("Call-ID") ?? "");
  h.append("CSeq", `${invite.cseq.seq} ${method}`);
  return new SipRequest(method, invite.uri, h);
}

export function buildCancel(invite: SipRequest, extraHeaders: [string, string][] = []): SipRequest {
  const cancel = derive(invite, "CANCEL", invite.headers.get("To") ?? "");
  for (const [n, v] of extraHeaders) cancel.headers.append(n, v);
  return cancel;
}

export function buildNon2xxAck(invite: SipRequest, response: SipResponse): SipRequest {
  return derive(invite, "ACK", response.headers.get("To") ?? "");
}
