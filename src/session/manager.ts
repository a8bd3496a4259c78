/**
 * All sessions of this node: takes INVITEs from caller trunks, serves agent widgets (binding, video joins,
 * hang-up, manual binding), and drains for a graceful stop.
 */
import type { IncomingCall, SipUserAgent } from "../sip/ua/index.ts";
import { createLogger } from "../observability/log.ts";
import { metrics } from "../observability/metrics.ts";
import { TypedEmitter } from "../util/typed-emitter.ts";
import { AgentDirectory } from "./agent-directory.ts";
import type { AgentChannel, AgentConnection, AgentGateway, AgentMessage } from "./agent-protocol.ts";
import type { SessionEvent } from "./events.ts";
import { Session } from "./session.ts";
import { SessionSetupError } from "./setup-error.ts";
import type { SessionContext } from "./session-context.ts";

const log = createLogger("sessions");
const activeGauge = metrics.gauge("avsplit_sessions_active", "Sessions in progress");
const setupFailures = metrics.counter("avsplit_session_setup_failures_total", "INVITEs from callers that did not become a session, by status");

export interface SessionManagerOptions extends Omit<SessionContext, "emit" | "agents"> {
  ua: SipUserAgent;
  /** The caller trunk an INVITE's source address belongs to, or null. */
  callerTrunkFor(host: string): string | null;
}

export class SessionManager extends TypedEmitter<{ event: [SessionEvent] }> {
  readonly agents = new AgentDirectory();
  private readonly sessions = new Map<string, Session>();
  private accepting = true;
  private idleWaiters: (() => void)[] = [];
  private readonly ctx: SessionContext;

  constructor(private readonly opts: SessionManagerOptions) {
    super();
    this.ctx = { ...opts, agents: this.agents, emit: (e) => this.emit("event", e) };
    opts.ua.on("incoming", (call) => void this.onIncoming(call));
    activeGauge.collect(() => this.sessions.size);
  }

  private async onIncoming(call: IncomingCall): Promise<void> {
    const trunk = this.opts.callerTrunkFor(call.source.host);
    if (!trunk) return this.refuse(call, 403, "Forbidden");
    if (!this.accepting) return this.refuse(call, 503, "Service Unavailable");
    try {
      const session = await Session.start(this.ctx, call, trunk);
      this.sessions.set(session.id, session);
      session.onEnd(() => {
        this.sessions.delete(session.id);
        if (this.sessions.size === 0) for (const w of this.idleWaiters.splice(0)) w();
      });
    } catch (err) {
      // A bug must cost this call, never the process (onIncoming's promise has nobody to catch it).
      if (!(err instanceof SessionSetupError)) {
        log.error("caller INVITE failed unexpectedly", { callId: call.callId, err });
        return this.refuse(call, 500, "Server Internal Error");
      }
      log.warn("caller INVITE refused", { callId: call.callId, status: err.status, reason: err.message });
      this.refuse(call, err.status, undefined, err.warning);
    }
  }

  private refuse(call: IncomingCall, status: number, reason?: string, warning?: string): void {
    setupFailures.inc({ status: String(status) });
    call.reject(status, reason, warning ? [["Warning", warning]] : []);
  }

  get(id: string): Session | undefined {
    return this.sessions.get(id);
  }

  list(): Session[] {
    return [...this.sessions.values()];
  }

  // --- CallCarrier: graceful stop ---
  stopAccepting(): void { this.accepting = false; }
  activeCalls(): number { return this.sessions.size; }
  whenIdle(): Promise<void> {
    if (this.sessions.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }
  async endAll(reason: string): Promise<void> {
    await Promise.all(this.list().map((s) => s.end(reason, "system")));
  }
  async close(): Promise<void> {
    this.stopAccepting();
    await this.endAll("shutdown");
  }

  /** Starts or stops recording a live session (agent widget, REST API, console); the bound agent sees the new state. */
  setRecording(sessionId: string, on: boolean, by: string): { recording: boolean; recordingId?: string } {
    const session = this.sessions.get(sessionId);
    if (!session) throw new SessionSetupError(404, `no live session ${sessionId}`);
    const recordingId = on ? session.startRecording(by) : (session.stopRecording(by), undefined);
    if (session.agentId) this.agents.send(session.agentId, { type: "session", session: session.view() });
    return { recording: session.isRecording, recordingId };
  }

  // --- AgentGateway: widgets ---
  readonly gateway: AgentGateway = {
    connect: (agentId: string, channel: AgentChannel): AgentConnection => {
      this.agents.add(agentId, channel);
      for (const s of this.sessions.values()) if (s.agentId === agentId) channel.send({ type: "session", session: s.view() });
      return {
        receive: (msg) => void this.onAgentMessage(agentId, channel, msg),
        disconnect: () => this.agents.remove(agentId, channel),
      };
    },
  };

  private async onAgentMessage(agentId: string, channel: AgentChannel, msg: Exclude<AgentMessage, { type: "hello" }>): Promise<void> {
    const fail = (message: string) => channel.send({ type: "error", message });
    switch (msg.type) {
      case "join": {
        const session = this.sessions.get(msg.sessionId);
        if (!session) return fail(`no session ${msg.sessionId}`);
        try {
          const sdp = await session.joinVideo(agentId, msg.sdp);
          channel.send({ type: "answer", sessionId: session.id, sdp });
        } catch (err) {
          fail(`video join failed: ${(err as Error).message}`);
        }
        return;
      }
      case "hangup": {
        const session = this.sessions.get(msg.sessionId);
        if (!session || session.agentId !== agentId) return fail(`session ${msg.sessionId} is not yours`);
        void session.end(`agent ${agentId} hung up`, "agent");
        return;
      }
      case "video": {
        const session = this.sessions.get(msg.sessionId);
        if (!session || session.agentId !== agentId) return fail(`session ${msg.sessionId} is not yours`);
        try {
          if (!msg.on) return await session.stopVideo(`agent:${agentId}`);
          const { outcome, status } = await session.requestVideo(`agent:${agentId}`);
          if (outcome === "rejected") channel.send({ type: "notice", sessionId: session.id, code: "video-rejected", status });
        } catch (err) {
          fail(`video change failed: ${(err as Error).message}`);
        }
        return;
      }
      case "record": {
        const session = this.sessions.get(msg.sessionId);
        if (!session || session.agentId !== agentId) return fail(`session ${msg.sessionId} is not yours`);
        try {
          this.setRecording(session.id, msg.on, `agent:${agentId}`);
        } catch (err) {
          fail(`recording change failed: ${(err as Error).message}`);
        }
        return;
      }
      case "bind": {
        const session = msg.sessionId
          ? this.sessions.get(msg.sessionId)
          : this.list().find((s) => msg.callerNumber && s.callerNumber === msg.callerNumber && !s.isEnded);
        if (!session) return fail("no live session matches");
        session.bindAgent(agentId, "manual", agentId);
        return;
      }
    }
  }
}
