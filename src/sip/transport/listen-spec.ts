import { isIP } from "node:net";
import type { TransportProtocol } from "./types.ts";
import { unbracket } from "./types.ts";

export interface ListenSpec { transport: TransportProtocol; host: string; port: number }

export class ListenSpecError extends Error {
  constructor(readonly input: string, why: string) { super(`bad listen spec "${input}": ${why}`); }
}

/** Parse "udp:127.0.0.1:5060", "tcp:[::1]:0", "tls:0.0.0.0:5061". Port 0 binds an ephemeral port. */
export function parseListenSpec(text: string): ListenSpec {
  const m = /^(udp|tcp|tls):(\[[^\]]+\]|[^:\[\]]+):(\d{1,5})$/i.exec(text.trim());
  if (!m) throw new ListenSpecError(text, "expected <udp|tcp|tls>:<ip>:<port>");
  const host = unbracket(m[2]);
  if (isIP(host) === 0) throw new ListenSpecError(text, "host must be an IP address");
  if (m[2].startsWith("[") !== (isIP(host) === 6)) throw new ListenSpecError(text, "IPv6 needs brackets");
  const port = Number(m[3]);
  if (port > 65535) throw new ListenSpecError(text, "port out of range");
  return { transport: m[1].toLowerCase() as TransportProtocol, host, port };
}
