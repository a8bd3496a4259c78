/** Messages between the agent widget and the appliance over /agent/ws (JSON text frames). */
import { z } from "zod";
import type { CallerLocation } from "../sip/ua/index.ts";

export const agentMessage = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("hello"), agent: z.string().max(64).optional(), token: z.string().max(256).optional() }),
  z.strictObject({ type: z.literal("join"), sessionId: z.string().max(128), sdp: z.string().max(64 * 1024) }),
  z.strictObject({ type: z.literal("hangup"), sessionId: z.string().max(128) }),
  /** Audio -> video (re-INVITE the caller adding video) or video -> audio. */
  z.strictObject({ type: z.literal("video"), sessionId: z.string().max(128), on: z.boolean() }),
  /** Start or stop recording the caller (recording mode "on-demand"). */
  z.strictObject({ type: z.literal("record"), sessionId: z.string().max(128), on: z.boolean() }),
  z.strictObject({ type: z.literal("bind"), sessionId: z.string().max(128).optional(), callerNumber: z.string().max(64).optional() }),
]);
export type AgentMessage = z.infer<typeof agentMessage>;

export interface AgentSessionView {
  id: string;
  kind: "video" | "audio";
  callerNumber: string | null;
  state: string;
  /** The caller's video is available: the widget should open its WebRTC leg. */
  video: boolean;
  /** The caller's audio and video are being recorded. */
  recording: boolean;
  /** The node's [recording] mode: only "on-demand" lets the agent start and stop it. */
  recordingMode: "all" | "on-demand" | "none";
  /** Where the caller is, when their INVITE conveyed it (PIDF-LO). */
  location: CallerLocation | null;
  iceServers: { urls: string | string[]; username?: string; credential?: string }[];
}

export type ServerMessage =
  | { type: "welcome"; agent: string }
  | { type: "session"; session: AgentSessionView }
  | { type: "answer"; sessionId: string; sdp: string }
  | { type: "unbound"; sessionId: string; reason: string }
  | { type: "notice"; sessionId: string; code: "video-rejected"; status: number }
  | { type: "error"; message: string };

/** One widget connection, as the session layer sees it. */
export interface AgentChannel {
  send(msg: ServerMessage): void;
  close(code: number, reason: string): void;
}

/** What the session layer offers a connected widget. */
export interface AgentGateway {
  connect(agentId: string, channel: AgentChannel): AgentConnection;
}

export interface AgentConnection {
  receive(msg: Exclude<AgentMessage, { type: "hello" }>): void;
  disconnect(): void;
}
