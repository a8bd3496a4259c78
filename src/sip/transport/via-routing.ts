/** RFC 3261 §18.2.1 `received`, RFC 3581 `rport`, and the §18.2.2 response destination read back from them. */
import { isIP } from "node:net";
import { formatVia, type SipRequest, type SipResponse } from "../message/index.ts";
import { DEFAULT_PORT, type Endpoint, protocolFromVia, unbracket } from "./types.ts";

/**
 * Stamp the top Via of an inbound request with where it really came from: `received` when the sent-by host
 * differs from the source address, and always with `rport` (filled with the source port, RFC 3581 §4).
 */
export function stampReceived(req: SipRequest, remote: Endpoint): void {
  const top = req.topVia;
  const hasRport = top.params.has("rport");
  if (!hasRport && unbracket(top.host).toLowerCase() === remote.host.toLowerCase()) return;
  top.params.set("received", remote.host);
  if (hasRport) top.params.set("rport", String(remote.port));
  const values = req.headers.getAll("Via");      // via-parms, so values[0] is the top one even in "Via: a, b"
  values[0] = formatVia(top);
  if (values.length === 1) {
    req.headers.set("Via", values[0]);
    return;
  }
  req.headers.delete("Via");
  for (let i = values.length - 1; i >= 0; i--) req.headers.prepend("Via", values[i]);
}

/**
 * Where a response goes when the request's connection is gone or the transport is UDP (§18.2.2): maddr, else
 * received (+ rport), else sent-by. Falls back to the request's source when the Via names a host, not an IP.
 */
export function responseDestination(res: SipResponse, source: Endpoint): Endpoint {
  const via = res.topVia;
  const transport = protocolFromVia(via.transport) ?? source.transport;
  const sentByPort = via.port ?? DEFAULT_PORT[transport];
  const maddr = via.params.get("maddr");
  const received = via.params.get("received");
  const rport = via.params.get("rport");
  let host: string;
  let port = sentByPort;
  if (maddr && transport === "udp") host = unbracket(maddr);
  else if (received) {
    host = unbracket(received);
    if (rport && /^\d{1,5}$/.test(rport)) port = Number(rport);
  } else host = unbracket(via.host);
  if (isIP(host) === 0) return source;
  return { transport, host, port };
}
