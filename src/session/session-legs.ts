/** The legs of one session as its audit trail sees them: ids, leg.started / leg.state / leg.ended events. */
import { randomBytes } from "node:crypto";
import type { Clock } from "../util/clock.ts";
import type { LegKind, SessionEvent } from "./events.ts";

export interface SessionLegsOptions {
  sessionId: string;
  clock: Clock;
  emit(e: SessionEvent): void;
  /** A leg's media counters as they stand, kept with its leg.ended event. */
  statsOf(kind: LegKind): Record<string, unknown> | undefined;
}

export class SessionLegs {
  /** The current leg of each kind. */
  private readonly ids = new Map<LegKind, string>();

  constructor(private readonly o: SessionLegsOptions) {}

  started(kind: LegKind, callId: string | null, remote: string | null): string {
    const legId = `${this.o.sessionId}.${kind}.${randomBytes(3).toString("hex")}`;
    this.ids.set(kind, legId);
    this.o.emit({ type: "leg.started", sessionId: this.o.sessionId, at: this.o.clock.now(), legId, kind, callId, remote });
    return legId;
  }

  state(kind: LegKind, state: "ringing" | "connected", status?: number): void {
    const legId = this.ids.get(kind);
    if (legId) this.o.emit({ type: "leg.state", sessionId: this.o.sessionId, at: this.o.clock.now(), legId, kind, state, status });
  }

  /**
   * A leg ended: by default the current one of `kind` with its media counters; `legId` names an earlier one,
   * `stats` gives its own counters (null: none, e.g. a call-center leg transferred away while its media goes on).
   */
  ended(kind: LegKind, reason: string, opts: { status?: number; legId?: string; stats?: Record<string, unknown> | null } = {}): void {
    const legId = opts.legId ?? this.ids.get(kind);
    if (!legId) return;
    if (this.ids.get(kind) === legId) this.ids.delete(kind);
    const stats = opts.stats === undefined ? this.o.statsOf(kind) : opts.stats ?? undefined;
    this.o.emit({ type: "leg.ended", sessionId: this.o.sessionId, at: this.o.clock.now(), legId, kind, reason, status: opts.status, stats });
  }

  /** The session ends: every SIP leg still up ends with it (the agent's video leg reports its own end). */
  endAll(reasonFor: (kind: LegKind) => string): void {
    for (const kind of [...this.ids.keys()]) if (kind !== "agent") this.ended(kind, reasonFor(kind));
    this.ids.clear();
  }
}
