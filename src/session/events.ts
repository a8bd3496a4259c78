/**
 * Everything that happens to a session, as typed events. store/ persists each one as an audit event and
 * keeps the sessions/legs tables current; http/ pushes them to widgets and the console.
 */
export type LegKind = "caller" | "callcenter" | "agent" | "party" | "h5";
export type SessionState = "routing" | "ringing" | "connected" | "ending" | "ended";
export type LegState = "offered" | "calling" | "ringing" | "connected" | "ended";
export type BindingSource = "callcenter" | "transfer" | "manual";

import type { CallerLocation } from "../sip/ua/index.ts";

interface Base { sessionId: string; at: number }

export type SessionEvent =
  | (Base & { type: "session.created"; kind: "video" | "audio"; callerNumber: string | null; callerDisplayName: string | null; trunk: string })
  | (Base & { type: "session.state"; state: SessionState; reason?: string })
  | (Base & { type: "session.bound"; agentId: string; previousAgentId: string | null; source: BindingSource; by?: string })
  | (Base & { type: "session.ended"; reason: string })
  | (Base & { type: "leg.started"; legId: string; kind: LegKind; callId: string | null; remote: string | null })
  | (Base & { type: "leg.state"; legId: string; kind: LegKind; state: LegState; status?: number })
  | (Base & { type: "leg.ended"; legId: string; kind: LegKind; reason: string; status?: number; stats?: Record<string, unknown> })
  | (Base & { type: "media.video"; direction: "added" | "removed" | "rejected"; by: string })
  /** The caller's INVITE conveyed a location (RFC 6442): parsed PIDF-LO, references, or why it could not be read. */
  | (Base & { type: "caller.location"; location: CallerLocation | null; references: string[]; error?: string });

export type SessionEventType = SessionEvent["type"];
