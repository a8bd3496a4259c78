/** Transaction matching keys, RFC 3261 §17.1.3 (client) and §17.2.3 (server). */
import type { SipRequest, SipResponse, Via } from "../message/index.ts";
import { DEFAULT_PORT, protocolFromVia } from "../transport/types.ts";

export const MAGIC_COOKIE = "z9hG4bK";

function sentBy(via: Via): string {
  const proto = protocolFromVia(via.transport);
  return `${via.host.toLowerCase()}:${via.port ?? (proto ? DEFAULT_PORT[proto] : 5060)}`;
}

/** Client side: branch of the top Via + CSeq method. Throws SipParseError on a malformed response. */
export function clientKey(branch: string, cseqMethod: string): string {
  return `${branch}|${cseqMethod}`;
}

export function responseClientKey(res: SipResponse): string | null {
  const branch = res.topVia.params.get("branch");
  return branch ? clientKey(branch, res.cseq.method) : null;
}

/**
 * Server side: branch + sent-by + method, ACK counting as INVITE. `method` overrides the request's own (to find
 * the INVITE a CANCEL targets). Requests without the RFC 3261 magic cookie get an RFC 2543-style key instead
 * (Call-ID, CSeq number, From tag, sent-by): enough to absorb their retransmissions.
 */
export function serverKey(req: SipRequest, method = req.method): string {
  const via = req.topVia;
  const m = method === "ACK" ? "INVITE" : method;
  const branch = via.params.get("branch");
  if (branch && branch.startsWith(MAGIC_COOKIE)) return `${branch}|${sentBy(via)}|${m}`;
  return `2543|${req.callId}|${req.cseq.seq}|${req.from.params.get("tag") ?? ""}|${sentBy(via)}|${m}`;
}

/**
 * Matches an ACK for a 2xx (new branch) to the INVITE server transaction that sent the 2xx. Call-ID and CSeq
 * number suffice: only the peer's INVITEs are tracked, and it never reuses a CSeq number within a Call-ID.
 */
export function dialogAckKey(req: SipRequest): string {
  return `${req.callId}|${req.cseq.seq}`;
}
