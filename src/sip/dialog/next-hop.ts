/** Where to send a request for a URI (RFC 3263): the transport and port it names, its host via DNS when a name. */
import { isIP } from "node:net";
import type { SipUri } from "../message/index.ts";
import { DEFAULT_PORT, unbracket, type Endpoint, type TransportProtocol } from "../transport/types.ts";
import type { HostQuery, SipResolver } from "../dns/index.ts";

export class UnroutableUriError extends Error {
  readonly code = "unroutable-uri";
}

/** §4.1 transport (sips: TLS, else the transport param, else `fallback`) and §4.2 port of a URI; throws for tel: and empty hosts. */
export function hopQuery(uri: SipUri, fallback: TransportProtocol = "udp"): HostQuery {
  if (uri.scheme === "tel") throw new UnroutableUriError("tel: URI has no host to send to");
  const host = unbracket(uri.host).toLowerCase();
  if (!host) throw new UnroutableUriError(`no host in ${uri.scheme}: URI`);
  const param = uri.params.get("transport")?.toLowerCase();
  const transport: TransportProtocol = uri.scheme === "sips" ? "tls"
    : param === "udp" || param === "tcp" || param === "tls" ? param : fallback;
  return { host: host === "localhost" ? "127.0.0.1" : host, port: uri.port, transport };
}

/** An IP-literal URI's endpoint, without DNS; throws UnroutableUriError for host names. */
export function uriToEndpoint(uri: SipUri, fallback: TransportProtocol = "udp"): Endpoint {
  const q = hopQuery(uri, fallback);
  if (!isIP(q.host)) throw new UnroutableUriError(`not an IP address: ${uri.host}`);
  return { transport: q.transport, host: q.host, port: q.port ?? DEFAULT_PORT[q.transport] };
}

/** RFC 3263 §4: the endpoints to try, best first; synchronous for IP literals and cached names. */
export function resolveUri(resolver: SipResolver, uri: SipUri, fallback: TransportProtocol = "udp"): Endpoint[] | Promise<Endpoint[]> {
  return resolver.resolve(hopQuery(uri, fallback));
}
