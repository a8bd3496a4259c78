/** Where to send a request for a URI (RFC 3263 reduced to IP literals: trunks are configured by address). */
import { isIP } from "node:net";
import type { SipUri } from "../message/index.ts";
import { DEFAULT_PORT, unbracket, type Endpoint, type TransportProtocol } from "../transport/types.ts";

export class UnroutableUriError extends Error {
  readonly code = "unroutable-uri";
}

export function uriToEndpoint(uri: SipUri, fallback: TransportProtocol = "udp"): Endpoint {
  if (uri.scheme === "tel") throw new UnroutableUriError("tel: URI has no host to send to");
  const param = uri.params.get("transport")?.toLowerCase();
  const transport: TransportProtocol = uri.scheme === "sips" ? "tls"
    : param === "udp" || param === "tcp" || param === "tls" ? param : fallback;
  const host = unbracket(uri.host) === "localhost" ? "127.0.0.1" : unbracket(uri.host);
  if (!isIP(host)) throw new UnroutableUriError(`not an IP address: ${uri.host}`);
  return { transport, host, port: uri.port ?? DEFAULT_PORT[transport] };
}
