/** The avsplit.toml of a test or benchmark box: a caller trunk and a call-center trunk on loopback, agents with tokens. */
export interface TestApplianceConfig {
  dataDir: string;
  sipPort: number;
  httpsPort: number;
  rtpPorts: string;
  ccPort: number;
  agents?: { id: string; token: string }[];
  logLevel?: "debug" | "info" | "warn" | "error";
  drainS?: number;
  mediaTimeoutS?: number;
  /** [media] relay_thread; the appliance default (true) when absent. */
  relayThread?: boolean;
  /** Extra lines for the [sip] table (rate limits for load tests). */
  sipExtra?: string[];
  /** Extra lines for the [http] table (embed_origins). */
  httpExtra?: string[];
  /** A SIP TLS listener on 127.0.0.1 with this certificate, besides UDP. */
  sipTls?: { port: number; certPath: string; keyPath: string };
  /** [recording] mode; the appliance default ("all") when absent. */
  recordingMode?: "all" | "on-demand" | "none";
  /** The call-center trunk's uri; default "sip:110@127.0.0.1:<ccPort>". */
  callCenterUri?: string;
}

export function applianceToml(c: TestApplianceConfig): string {
  return `
[node]
data_dir = "${c.dataDir}"
log_level = "${c.logLevel ?? "warn"}"
drain_s = ${c.drainS ?? 1}
[sip]
listen = ["udp:127.0.0.1:${c.sipPort}"${c.sipTls ? `, "tls:127.0.0.1:${c.sipTls.port}"` : ""}]
${c.sipTls ? `tls_cert = "${c.sipTls.certPath}"\ntls_key = "${c.sipTls.keyPath}"` : ""}
${(c.sipExtra ?? []).join("\n")}
[media]
rtp_ports = "${c.rtpPorts}"
bind_address = "127.0.0.1"
media_timeout_s = ${c.mediaTimeoutS ?? 30}
${c.relayThread === undefined ? "" : `relay_thread = ${c.relayThread}`}
[http]
listen = "127.0.0.1:${c.httpsPort}"
${(c.httpExtra ?? []).join("\n")}
[[trunk]]
name = "sbc"
role = "caller"
allow = ["127.0.0.1/32"]
[[trunk]]
name = "voice-cc"
role = "callcenter"
uri = "${c.callCenterUri ?? `sip:110@127.0.0.1:${c.ccPort}`}"
options_ping_s = 0
${(c.agents ?? []).map((a) => `[[agent]]\nid = "${a.id}"\ntoken = "${a.token}"\n`).join("")}
${c.recordingMode ? `[recording]\nmode = "${c.recordingMode}"` : ""}`;
}
