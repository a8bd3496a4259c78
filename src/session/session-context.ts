/** What a Session needs from the appliance: the SIP user agent, media resources, the call center and the agents. */
import type { PortPool } from "../media/ports/index.ts";
import type { RelayLegFactory } from "../media/relay/index.ts";
import type { SipUserAgent } from "../sip/ua/index.ts";
import type { DigestCredentials } from "../sip/auth/index.ts";
import type { Clock } from "../util/clock.ts";
import type { AgentDirectory } from "./agent-directory.ts";
import type { AgentFromRule } from "./agent-identity.ts";
import type { SessionEvent } from "./events.ts";
import type { RecordingPolicy } from "./recording.ts";
import type { WebRtcSettings } from "./video-link.ts";

export interface CallCenterTrunk {
  name: string;
  uri: string;
  agentFrom: AgentFromRule;
  correlationHeader: string;
  credentials?: DigestCredentials;
}

export interface SessionContext {
  nodeId: string;
  ua: SipUserAgent;
  /** Ports for the caller's video (relayed to the agent's browser on this thread). */
  pool: PortPool;
  /** Where the SIP audio legs and their bridge run (the media thread, or this thread). */
  audioLegs: RelayLegFactory;
  /** IP written in our SDP c= lines. */
  mediaAddress: string;
  /** Host part of the From/PAI URIs we send to the call center. */
  sipHost: string;
  mediaTimeoutMs: number;
  callcenter(): CallCenterTrunk | undefined;
  webrtc: WebRtcSettings;
  agents: AgentDirectory;
  clock: Clock;
  /** [recording]: absent = never record. */
  recording?: RecordingPolicy;
  emit(event: SessionEvent): void;
}
