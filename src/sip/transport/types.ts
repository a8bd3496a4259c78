import type { SipRequest, SipResponse } from "../message/index.ts";

export type TransportProtocol = "udp" | "tcp" | "tls";

/** A transport address. host is an IP literal; IPv6 is written WITHOUT brackets ("::1"). */
export interface Endpoint {
  transport: TransportProtocol;
  host: string;
  port: number;
}
export type Destination = Endpoint;

export interface InboundMessage {
  message: SipRequest | SipResponse;
  remote: Endpoint;
  local: Endpoint;
}

export const DEFAULT_PORT: Record<TransportProtocol, number> = { udp: 5060, tcp: 5060, tls: 5061 };

export function isReliable(transport: TransportProtocol): boolean {
  return transport !== "udp";
}

/** Via transport token ("UDP", "TCP", "TLS") to our protocol name, or null when unsupported. */
export function protocolFromVia(token: string): TransportProtocol | null {
  const t = token.toLowerCase();
  return t === "udp" || t === "tcp" || t === "tls" ? t : null;
}

export function endpointKey(e: Endpoint): string {
  return `${e.transport}:${e.host}:${e.port}`;
}

/** "[::1]" -> "::1"; other hosts unchanged. */
export function unbracket(host: string): string {
  return host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
}

/** Host as written in a Via/URI: IPv6 gets brackets. */
export function bracketHost(host: string): string {
  return host.includes(":") && !host.startsWith("[") ? `[${host}]` : host;
}
