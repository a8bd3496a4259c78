/**
 * The avsplit.toml contract (../shared/avsplit.example.toml). Keys may be added; never renamed or dropped.
 * Every object is strict, so a misspelt key is reported by name instead of being silently ignored.
 */
import { isIP } from "node:net";
import { z } from "zod";
import { isValidCidr, parseHostPort, parseListenSpec, parsePortRange } from "./net.ts";

const refineWith = (check: (s: string) => unknown) => (s: string, ctx: z.RefinementCtx) => {
  const r = check(s);
  if (typeof r === "string") ctx.addIssue({ code: "custom", message: r });
};

const listenSpec = z.string().superRefine(refineWith(parseListenSpec));
const hostPort = z.string().superRefine(refineWith(parseHostPort));
const portRange = z.string().superRefine(refineWith(parsePortRange));
/** A DNS server: "10.0.0.53", "10.0.0.53:5353", "2001:db8::53" or "[2001:db8::53]:5353". */
const dnsServer = z.string().refine((s) => isIP(s) !== 0 || isIP((parseHostPort(s) as { host?: string }).host ?? "") !== 0, { message: 'is not a DNS server address (e.g. "10.0.0.53" or "10.0.0.53:5353")' });
const cidr = z.string().refine(isValidCidr, { message: "is not an IP address or CIDR (e.g. 10.0.0.0/8)" });
const sipUri = z.string().regex(/^sips?:[^\s]+$/, { message: 'is not a SIP URI (e.g. "sip:110@10.0.0.5:5060")' });
const httpUrl = z.string().refine((s) => s === "" || /^https?:\/\/[^\s]+$/.test(s), { message: "is not an http(s) URL" });
const agentFrom = z.string().regex(/^(header:[A-Za-z0-9!#$%&'*+.^_`|~-]+|contact-user|pai-user)$/, {
  message: 'must be "header:NAME", "contact-user" or "pai-user"',
});

const node = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, { message: "must be 1-32 letters, digits, '-' or '_'" }).default("avsplit-1"),
  data_dir: z.string().min(1).default("./data"),
  log_level: z.enum(["debug", "info", "warn", "error"]).default("info"),
  /** Seconds active calls may continue after SIGTERM before they are ended. */
  drain_s: z.number().int().min(0).max(3600).default(30),
});

const sip = z.strictObject({
  listen: z.array(listenSpec).min(1).default(["udp:0.0.0.0:5060", "tcp:0.0.0.0:5060"]),
  advertised_address: z.string().default(""),
  session_expires_s: z.number().int().refine((n) => n === 0 || n >= 90, { message: "must be 0 (off) or at least 90 (RFC 4028 Min-SE)" }).default(1800),
  untrusted_source: z.enum(["drop", "reject"]).default("drop"),
  max_message_bytes: z.number().int().min(1024).max(1_048_576).default(65535),
  tls_cert: z.string().default(""),
  tls_key: z.string().default(""),
  /** Per-source token bucket (like Kamailio pike): sustained requests/s and burst. */
  rate_limit_per_s: z.number().positive().default(50),
  rate_limit_burst: z.number().int().positive().default(200),
  /** DNS servers for trunk host names (RFC 3263 SRV, A/AAAA); empty = the system's resolvers. */
  dns_servers: z.array(dnsServer).default([]),
  /** An INVITE target that answers nothing within this is left for the trunk's next SRV/A target (Timer B otherwise). */
  hop_timeout_ms: z.number().int().min(200).max(32_000).default(2000),
});

const media = z.strictObject({
  rtp_ports: portRange.default("20000-29999"),
  /** Local address the RTP sockets bind to. */
  bind_address: z.string().refine((s) => isIP(s) !== 0, { message: "is not an IP address" }).default("0.0.0.0"),
  advertised_address: z.string().default(""),
  media_timeout_s: z.number().int().min(0).default(30),
  /** Relay the SIP audio legs on a thread of their own (epoll through bun:ffi, Linux x86-64, IPv4 bind address). */
  relay_thread: z.boolean().default(true),
});

const http = z.strictObject({
  listen: hostPort.default("0.0.0.0:8443"),
  tls_cert: z.string().default(""),
  tls_key: z.string().default(""),
  public_url: httpUrl.default(""),
  /** Origins of agent desktops that embed the widget from another origin, e.g. ["https://cad.example.gov.cn"]. */
  embed_origins: z.array(z.string().regex(/^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?$/, { message: 'is not an origin like "https://cad.example"' })).default([]),
  /** Plain-HTTP port that only redirects to HTTPS; "" turns it off. */
  redirect_listen: z.string().refine((s) => s === "" || typeof parseHostPort(s) !== "string", { message: "is not host:port" }).default(""),
});

const iceServer = z.strictObject({
  urls: z.union([z.string(), z.array(z.string())]),
  username: z.string().optional(),
  credential: z.string().optional(),
});

const webrtc = z.strictObject({
  ice_servers: z.array(iceServer).default([]),
  public_ip: z.string().default(""),
});

const trunk = z
  .strictObject({
    name: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, { message: "must be 1-64 letters, digits, '-' or '_'" }),
    role: z.enum(["caller", "callcenter", "party"]),
    uri: sipUri.optional(),
    allow: z.array(cidr).default(["127.0.0.1/32"]),
    transport: z.enum(["udp", "tcp", "tls"]).default("udp"),
    agent_from: agentFrom.default("header:X-Agent-Id"),
    correlation_header: z.string().regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/).default("X-Avsplit-Session"),
    auth_user: z.string().default(""),
    auth_password: z.string().default(""),
    options_ping_s: z.number().int().min(0).default(30),
  })
  .superRefine((t, ctx) => {
    if (t.role !== "caller" && !t.uri) ctx.addIssue({ code: "custom", path: ["uri"], message: `is required for a ${t.role} trunk` });
  });

const agent = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, { message: "must be 1-64 letters, digits, '.', '-' or '_'" }),
  name: z.string().default(""),
  token: z.string().default(""),
});

const recording = z.strictObject({
  mode: z.enum(["all", "on-demand", "none"]).default("all"),
  retention_days: z.number().int().min(1).default(180),
  max_disk_gb: z.number().positive().default(100),
});

const sms = z.strictObject({
  kind: z.enum(["none", "smpp", "http"]).default("none"),
  smpp_host: z.string().default("127.0.0.1"),
  smpp_port: z.number().int().min(1).max(65535).default(2775),
  smpp_system_id: z.string().default(""),
  smpp_password: z.string().default(""),
  sender: z.string().default("110"),
  http_url: httpUrl.default(""),
  http_body: z.string().default(""),
  text: z.string().default("110视频报警：请点击链接开启视频 {link}"),
  link_ttl_s: z.number().int().min(30).max(86400).default(600),
});

export const configSchema = z
  .strictObject({
    node: node.default(node.parse({})),
    sip: sip.default(sip.parse({})),
    media: media.default(media.parse({})),
    http: http.default(http.parse({})),
    webrtc: webrtc.default(webrtc.parse({})),
    trunk: z.array(trunk).default([]),
    agent: z.array(agent).default([]),
    recording: recording.default(recording.parse({})),
    sms: sms.default(sms.parse({})),
  })
  .superRefine((c, ctx) => {
    const seen = new Map<string, number>();
    c.trunk.forEach((t, i) => {
      if (seen.has(t.name)) ctx.addIssue({ code: "custom", path: ["trunk", i, "name"], message: `duplicates trunk[${seen.get(t.name)}] "${t.name}"` });
      seen.set(t.name, i);
    });
    const agents = new Set<string>();
    c.agent.forEach((a, i) => {
      if (agents.has(a.id)) ctx.addIssue({ code: "custom", path: ["agent", i, "id"], message: `duplicates agent "${a.id}"` });
      agents.add(a.id);
    });
    if (c.sms.kind === "http" && !c.sms.http_url) ctx.addIssue({ code: "custom", path: ["sms", "http_url"], message: 'is required when kind = "http"' });
    if (Boolean(c.http.tls_cert) !== Boolean(c.http.tls_key)) ctx.addIssue({ code: "custom", path: ["http", "tls_key"], message: "tls_cert and tls_key must be given together" });
  });

export type Config = z.infer<typeof configSchema>;
export type TrunkConfig = Config["trunk"][number];
export type AgentConfig = Config["agent"][number];
