/** Parsing helpers for the address forms used in avsplit.toml. */
import { isIP } from "node:net";

export interface ListenSpec { transport: "udp" | "tcp" | "tls"; host: string; port: number }

/** "udp:0.0.0.0:5060", "tls:[::]:5061" */
export function parseListenSpec(text: string): ListenSpec | string {
  const m = /^(udp|tcp|tls):(\[[0-9a-fA-F:.]+\]|[^:\[\]]+):(\d{1,5})$/.exec(text);
  if (!m) return `"${text}" is not transport:host:port (e.g. "udp:0.0.0.0:5060")`;
  const host = m[2].startsWith("[") ? m[2].slice(1, -1) : m[2];
  if (!isIP(host)) return `"${host}" is not an IP address`;
  const port = Number(m[3]);
  if (port < 1 || port > 65535) return `port ${port} is out of range 1-65535`;
  return { transport: m[1] as ListenSpec["transport"], host, port };
}

/** "0.0.0.0:8443" or "[::]:8443" */
export function parseHostPort(text: string): { host: string; port: number } | string {
  const m = /^(\[[0-9a-fA-F:.]+\]|[^:\[\]]+):(\d{1,5})$/.exec(text);
  if (!m) return `"${text}" is not host:port`;
  const host = m[1].startsWith("[") ? m[1].slice(1, -1) : m[1];
  if (!isIP(host) && host !== "localhost") return `"${host}" is not an IP address`;
  const port = Number(m[2]);
  if (port > 65535) return `port ${port} is out of range 0-65535`;
  return { host, port };
}

/** "20000-29999": even start so RTP/RTCP pairs line up. */
export function parsePortRange(text: string): { min: number; max: number } | string {
  const m = /^(\d{1,5})-(\d{1,5})$/.exec(text);
  if (!m) return `"${text}" is not a port range like "20000-29999"`;
  const min = Number(m[1]);
  const max = Number(m[2]);
  if (min < 1024 || max > 65535) return `port range ${text} must lie within 1024-65535`;
  if (min >= max) return `port range ${text} is empty or reversed`;
  if (max - min < 3) return `port range ${text} holds fewer than two RTP/RTCP pairs`;
  return { min, max };
}

export function isValidCidr(text: string): boolean {
  const slash = text.indexOf("/");
  const addr = slash < 0 ? text : text.slice(0, slash);
  const family = isIP(addr);
  if (family === 0) return false;
  if (slash < 0) return true;
  const bitsText = text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(bitsText)) return false;
  return Number(bitsText) <= (family === 4 ? 32 : 128);
}
