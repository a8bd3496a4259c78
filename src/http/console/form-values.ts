/** Parsing of console query/form values: times typed as UTC, bounded text. */
import { OUTCOMES, type Outcome, type SessionFilter } from "../../store/session-history.ts";

const LOCAL_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?$/;

/** "2026-11-26T01:30" (a datetime-local input, read as UTC), ISO 8601 with zone, or epoch ms; undefined if none or invalid. */
export function parseTime(text: string | undefined): number | undefined {
  if (!text) return undefined;
  if (/^\d+$/.test(text)) return Number(text);
  const ms = Date.parse(LOCAL_TIME.test(text) ? `${text}Z` : text);
  return Number.isNaN(ms) ? undefined : ms;
}

/** The value for a datetime-local input. */
export const timeInputValue = (ms: number | undefined) => (ms === undefined ? "" : new Date(ms).toISOString().slice(0, 16));

/** A time as the console shows it: "2026-11-26 01:30:00" (UTC); "" for none. */
export const utcTime = (ms: number | null) => (ms === null ? "" : new Date(ms).toISOString().replace("T", " ").slice(0, 19));

const text = (v: string | undefined, max = 64) => (v ? v.trim().slice(0, max) : undefined) || undefined;

export function sessionFilterOf(query: Record<string, string | undefined>): SessionFilter {
  const outcome = OUTCOMES.includes(query.outcome as Outcome) ? (query.outcome as Outcome) : undefined;
  return { from: parseTime(query.from), to: parseTime(query.to), caller: text(query.caller), agent: text(query.agent), outcome };
}

export function filterQuery(f: SessionFilter, page?: number): string {
  const q = new URLSearchParams();
  if (f.from !== undefined) q.set("from", new Date(f.from).toISOString());
  if (f.to !== undefined) q.set("to", new Date(f.to).toISOString());
  if (f.caller) q.set("caller", f.caller);
  if (f.agent) q.set("agent", f.agent);
  if (f.outcome) q.set("outcome", f.outcome);
  if (page && page > 1) q.set("page", String(page));
  return q.toString();
}
