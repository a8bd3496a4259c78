/**
 * The call-carrying half of the appliance: the SIP stack, the RTP port pool and the sessions, built from the
 * configuration. Stops as one CallCarrier (refuse new calls, drain, end the rest, close sockets).
 */
import { networkInterfaces } from "node:os";
import type { Config, TrunkConfig } from "./config/schema.ts";
import { PortPool } from "./media/ports/index.ts";
import { LocalRelayLegs, type RelayLegFactory } from "./media/relay/index.ts";
import { FallbackRelayLegs, MediaThread } from "./media/thread/index.ts";
import { createLogger } from "./observability/log.ts";
import { metrics } from "./observability/metrics.ts";
import { parseAgentFromRule } from "./session/agent-identity.ts";
import { SessionManager } from "./session/manager.ts";
import type { RecordingPolicy } from "./session/recording.ts";
import type { CallCenterTrunk } from "./session/session-context.ts";
import { SipStack } from "./sip/index.ts";
import { type ConsoleTrunkSource, TrunksInForce } from "./trunks-in-force.ts";
import { systemClock, type Clock } from "./util/clock.ts";
import { VERSION } from "./version.ts";
import type { CallCarrier } from "./main.ts";

const log = createLogger("call-plane");

/** The address written in SDP and ICE: configured, else the bind address, else the first LAN IPv4. */
export function pickMediaAddress(config: Config): string {
  if (config.media.advertised_address) return config.media.advertised_address;
  if (config.media.bind_address !== "0.0.0.0" && config.media.bind_address !== "::") return config.media.bind_address;
  for (const list of Object.values(networkInterfaces())) {
    for (const i of list ?? []) if (i.family === "IPv4" && !i.internal) return i.address;
  }
  return "127.0.0.1";
}

function callCenterOf(t: TrunkConfig): CallCenterTrunk {
  return {
    name: t.name,
    uri: t.uri!,
    agentFrom: parseAgentFromRule(t.agent_from),
    correlationHeader: t.correlation_header,
    credentials: t.auth_user ? { username: t.auth_user, password: t.auth_password } : undefined,
  };
}

/** The media thread, started; null (audio relayed on the main thread, said in the log) where it cannot run. */
async function startMediaThread(pool: PortPool): Promise<MediaThread | null> {
  const thread = MediaThread.create({ pool });
  try {
    if (!thread) throw new Error("needs Linux x86-64, libc through bun:ffi and an IPv4 bind address");
    await thread.start();
    return thread;
  } catch (err) {
    log.error("the media thread cannot run: SIP audio is relayed on the main thread", { err });
    await thread?.close();
    return null;
  }
}

export class CallPlane implements CallCarrier {
  private constructor(
    readonly sip: SipStack,
    readonly pool: PortPool,
    private readonly mediaThread: MediaThread | null,
    readonly sessions: SessionManager,
    private readonly trunks: TrunksInForce,
  ) {}

  /** `consoleTrunks`: trunks added in the console, applied live on top of the config file's; `recording`: absent = none;
   * `clock`: time for SIP and session timers. */
  static async start(config: Config, consoleTrunks?: ConsoleTrunkSource, recording?: RecordingPolicy, clock: Clock = systemClock): Promise<CallPlane> {
    const mediaAddress = pickMediaAddress(config);
    const sip = await SipStack.start({
      listen: config.sip.listen,
      advertise: config.sip.advertised_address || undefined,
      tls: config.sip.tls_cert ? { certPath: config.sip.tls_cert, keyPath: config.sip.tls_key } : undefined,
      limits: { maxBytes: config.sip.max_message_bytes },
      dns: { servers: config.sip.dns_servers },
      clock,
      trust: {
        trunks: config.trunk.map((t) => ({ name: t.name, role: t.role, allow: t.allow })),
        untrustedSource: config.sip.untrusted_source,
        rateLimit: { rate: config.sip.rate_limit_per_s, burst: config.sip.rate_limit_burst },
      },
      ua: {
        userAgent: `avsplit/${VERSION}`,
        sessionTimer: config.sip.session_expires_s === 0 ? false : { sessionExpires: config.sip.session_expires_s },
        hopTimeoutMs: config.sip.hop_timeout_ms,
      },
    });
    const pool = new PortPool({ range: config.media.rtp_ports, host: config.media.bind_address });
    // The media thread keeps the system's time: a virtual clock (tests) keeps the legs on this thread.
    const mediaThread = config.media.relay_thread && clock === systemClock ? await startMediaThread(pool) : null;
    metrics.gauge("avsplit_media_thread_up", "1 while SIP audio is relayed on the media thread").collect(() => (mediaThread?.running ? 1 : 0));
    const local = new LocalRelayLegs(pool, clock);
    const audioLegs: RelayLegFactory = mediaThread ? new FallbackRelayLegs(mediaThread, local) : local;
    const trunks = new TrunksInForce(config.trunk, sip, consoleTrunks);
    const sessions = new SessionManager({
      nodeId: config.node.id,
      ua: sip.ua,
      pool,
      audioLegs,
      mediaAddress,
      sipHost: config.sip.advertised_address || mediaAddress,
      mediaTimeoutMs: config.media.media_timeout_s * 1000,
      callcenter: () => {
        const callcenter = trunks.callcenter();
        return callcenter && callCenterOf(callcenter);
      },
      callerTrunkFor: (host) => {
        const trunk = sip.guard?.trunkFor(host);
        return trunk && trunk.role === "caller" ? trunk.name : null;
      },
      webrtc: {
        hostAddress: mediaAddress,
        publicIp: config.webrtc.public_ip || undefined,
        iceServers: config.webrtc.ice_servers.flatMap((s) => (Array.isArray(s.urls) ? s.urls : [s.urls]).map((urls) => ({ urls, username: s.username, credential: s.credential }))),
      },
      clock,
      recording,
    });
    return new CallPlane(sip, pool, mediaThread, sessions, trunks);
  }

  stopAccepting(): void { this.sessions.stopAccepting(); }
  activeCalls(): number { return this.sessions.activeCalls(); }
  whenIdle(): Promise<void> { return this.sessions.whenIdle(); }
  endAll(reason: string): Promise<void> { return this.sessions.endAll(reason); }

  async close(): Promise<void> {
    this.trunks.close();
    await this.sessions.close();
    await this.sip.close();
    await this.mediaThread?.close();
    this.pool.close();
  }
}
