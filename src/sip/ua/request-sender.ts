/** Runs a client transaction to its final response, retrying 401/407 with digest credentials. */
import { createResponse, formatUri, type SipRequest, type SipResponse } from "../message/index.ts";
import type { ClientTransaction, TransactionLayer } from "../transaction/index.ts";
import type { Destination } from "../transport/types.ts";
import type { AuthorizationHeader, DigestAuthenticator } from "../auth/index.ts";

export interface SentRequest { request: SipRequest; response: SipResponse; tx: ClientTransaction }

/** Max 401/407 rounds per request (a stale nonce, then a proxy and a UAS realm). */
const MAX_AUTH_ROUNDS = 3;

/** The first final response; a timeout gives the transaction's 408, a transport error a local 503. */
export function finalResponse(tx: ClientTransaction, onProvisional?: (res: SipResponse) => void): Promise<SipResponse> {
  return new Promise((resolve) => {
    if (onProvisional) tx.on("provisional", onProvisional);
    tx.once("final", resolve);
    tx.once("timeout", resolve);
    tx.once("transport-error", () => resolve(createResponse(tx.request, 503, "Service Unavailable")));
  });
}

export function authInput(req: SipRequest): { method: string; uri: string; body: Uint8Array } {
  return { method: req.method, uri: formatUri(req.uri), body: req.body };
}

export function addAuthHeaders(req: SipRequest, auth: AuthorizationHeader[]): void {
  for (const a of auth) req.headers.append(a.name, a.value);
}

/**
 * `build()` makes a fresh request each round (new CSeq and branch); credentials from earlier challenges are
 * sent pre-emptively. `onTx` sees each transaction (an INVITE's owner ACKs its 2xx there).
 */
export async function sendWithAuth(
  transactions: TransactionLayer, build: () => SipRequest, dest: () => Destination | Promise<Destination>,
  authenticator: DigestAuthenticator | undefined,
  onTx?: (tx: ClientTransaction, request: SipRequest) => void,
): Promise<SentRequest> {
  let auth: AuthorizationHeader[] = [];
  for (let round = 0; ; round++) {
    const request = build();
    auth = round === 0 && authenticator ? authenticator.authorize(authInput(request)) : auth;
    addAuthHeaders(request, auth);
    const tx = transactions.sendRequest(request, await dest());
    onTx?.(tx, request);
    const response = await finalResponse(tx);
    if ((response.status === 401 || response.status === 407) && authenticator && round < MAX_AUTH_ROUNDS) {
      const next = authenticator.respond(response.status, challengesOf(response), authInput(request), auth);
      if (next) { auth = next; continue; }
    }
    return { request, response, tx };
  }
}

export function challengesOf(res: SipResponse): string[] {
  return res.headers.getAll(res.status === 401 ? "WWW-Authenticate" : "Proxy-Authenticate");
}
