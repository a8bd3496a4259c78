/** Read side of ended and live sessions for the console's history and detail pages and the REST API. */
import { and, asc, between, count, desc, eq, gte, isNotNull, isNull, like, lte, type SQL } from "drizzle-orm";
import type { AuditRow } from "./audit-chain.ts";
import type { AuditLog } from "./audit-log.ts";
import type { Db } from "./db.ts";
import { events, legs, mediaFiles, sessions } from "./schema.ts";

export type SessionRecord = typeof sessions.$inferSelect;
export type LegRecord = typeof legs.$inferSelect;
export type MediaFileRecord = typeof mediaFiles.$inferSelect;

export const OUTCOMES = ["answered", "unanswered", "active"] as const;
export type Outcome = (typeof OUTCOMES)[number];

export interface SessionFilter {
  /** Epoch ms, inclusive, on the start time. */
  from?: number;
  to?: number;
  /** Substring of the caller number. */
  caller?: string;
  agent?: string;
  outcome?: Outcome;
}

export interface SessionPage { rows: SessionRecord[]; total: number; page: number; pageSize: number }

export interface SessionDetail {
  session: SessionRecord;
  legs: LegRecord[];
  media: MediaFileRecord[];
}

const MAX_PAGE_SIZE = 200;
const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

export function outcomeOf(s: Pick<SessionRecord, "endedAt" | "answeredAt">): Outcome {
  if (s.endedAt === null) return "active";
  return s.answeredAt === null ? "unanswered" : "answered";
}

export class SessionHistory {
  constructor(private readonly db: Db, private readonly audit: AuditLog) {}

  private where(f: SessionFilter): SQL | undefined {
    const parts: (SQL | undefined)[] = [];
    if (f.from !== undefined) parts.push(gte(sessions.startedAt, f.from));
    if (f.to !== undefined) parts.push(lte(sessions.startedAt, f.to));
    if (f.caller) parts.push(like(sessions.callerNumber, `%${escapeLike(f.caller)}%`));
    if (f.agent) parts.push(eq(sessions.agentId, f.agent));
    if (f.outcome === "active") parts.push(isNull(sessions.endedAt));
    if (f.outcome === "answered") parts.push(isNotNull(sessions.endedAt), isNotNull(sessions.answeredAt));
    if (f.outcome === "unanswered") parts.push(isNotNull(sessions.endedAt), isNull(sessions.answeredAt));
    return parts.length ? and(...parts) : undefined;
  }

  /** Newest first; `page` counts from 1. */
  search(filter: SessionFilter, page = 1, pageSize = 50): SessionPage {
    const size = Math.min(Math.max(1, Math.floor(pageSize)), MAX_PAGE_SIZE);
    const p = Math.max(1, Math.floor(page));
    const where = this.where(filter);
    const total = this.db.select({ n: count() }).from(sessions).where(where).get()?.n ?? 0;
    const rows = this.db.select().from(sessions).where(where).orderBy(desc(sessions.startedAt), desc(sessions.id)).limit(size).offset((p - 1) * size).all();
    return { rows, total, page: p, pageSize: size };
  }

  get(id: string): SessionDetail | undefined {
    const session = this.db.select().from(sessions).where(eq(sessions.id, id)).get();
    if (!session) return undefined;
    return {
      session,
      legs: this.db.select().from(legs).where(eq(legs.sessionId, id)).orderBy(asc(legs.startedAt)).all(),
      media: this.db.select().from(mediaFiles).where(and(eq(mediaFiles.sessionId, id), isNull(mediaFiles.deletedAt))).orderBy(asc(mediaFiles.createdAt)).all(),
    };
  }

  /** Sessions in progress with their legs, newest first: two queries whatever the count (the dashboard polls it). */
  active(): (SessionRecord & { legs: LegRecord[] })[] {
    const rows = this.db.select().from(sessions).where(isNull(sessions.endedAt)).orderBy(desc(sessions.startedAt)).all();
    if (!rows.length) return [];
    const byId = new Map(rows.map((s) => [s.id, { ...s, legs: [] as LegRecord[] }]));
    const legRows = this.db.select({ leg: legs }).from(legs).innerJoin(sessions, eq(sessions.id, legs.sessionId)).where(isNull(sessions.endedAt)).orderBy(asc(legs.startedAt)).all();
    for (const { leg } of legRows) byId.get(leg.sessionId)?.legs.push(leg);
    return [...byId.values()];
  }

  /** The session's audit events in chain order. */
  events(id: string): AuditRow[] {
    return [...this.audit.rows({ sessionId: id })];
  }

  /** Every audit row with firstSeq <= seq <= lastSeq (all sessions), in chain order, read in batches. */
  *chainSegment(firstSeq: number, lastSeq: number, batch = 5000): Generator<AuditRow> {
    for (let from = firstSeq; from <= lastSeq; from += batch) {
      yield* this.db.select().from(events).where(between(events.seq, from, Math.min(lastSeq, from + batch - 1))).orderBy(asc(events.seq)).all();
    }
  }
}
