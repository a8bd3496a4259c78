/**
 * Audit exports a reviewer can verify offline. JSON: one row object per line inside "rows" (valid JSON that can
 * also be read line by line); CSV: RFC 4180 with a header row. Both carry every chain field.
 */
import { parse as parseCsv } from "csv-parse/sync";
import { readFileSync } from "node:fs";
import { verifyChain, type AuditRow, type ChainReport } from "./audit-chain.ts";
import type { AuditLog } from "./audit-log.ts";

export type ExportFormat = "json" | "csv";
export const CSV_COLUMNS = ["seq", "ts", "time", "session_id", "type", "actor", "data", "prev_hash", "hash"] as const;

export interface ExportRange { from?: number; to?: number; sessionId?: string }
export interface ExportSummary { rows: number; firstSeq: number | null; lastSeq: number | null; lastHash: string | null }

const rowJson = (r: AuditRow) =>
  JSON.stringify({ seq: r.seq, ts: r.ts, time: new Date(r.ts).toISOString(), session_id: r.sessionId, type: r.type, actor: r.actor, data: r.data, prev_hash: r.prevHash, hash: r.hash });

const csvField = (v: string | number | null) => {
  const s = v === null ? "" : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

const csvRow = (r: AuditRow) => [r.seq, r.ts, new Date(r.ts).toISOString(), r.sessionId, r.type, r.actor, r.data, r.prevHash, r.hash].map(csvField).join(",") + "\r\n";

/**
 * The export as a pull-based generator of pieces of about `chunkChars` characters (returns the summary), so an
 * HTTP download produces rows only as fast as the client reads them: memory stays flat for any number of rows.
 */
export function* auditExportChunks(log: AuditLog, range: ExportRange, format: ExportFormat, meta: { node: string }, chunkChars = 64 * 1024): Generator<string, ExportSummary> {
  const summary: ExportSummary = { rows: 0, firstSeq: null, lastSeq: null, lastHash: null };
  let buffered = format === "csv"
    ? CSV_COLUMNS.join(",") + "\r\n"
    : JSON.stringify({ format: "avsplit-audit-export", version: 1, node: meta.node, exported_at: new Date().toISOString(), range, head: log.headOf() }).slice(0, -1) + ',"rows":[\n';
  for (const r of log.rows(range)) {
    buffered += format === "csv" ? csvRow(r) : (summary.rows ? ",\n" : "") + rowJson(r);
    summary.rows++;
    summary.firstSeq ??= r.seq;
    summary.lastSeq = r.seq;
    summary.lastHash = r.hash;
    if (buffered.length >= chunkChars) { yield buffered; buffered = ""; }
  }
  if (format === "json") buffered += `\n],"last":${JSON.stringify({ seq: summary.lastSeq, hash: summary.lastHash })}}\n`;
  yield buffered;
  return summary;
}

/** `write` receives the export in chunks (a file sink, a zip entry). */
export function exportAudit(log: AuditLog, range: ExportRange, format: ExportFormat, write: (chunk: string) => void, meta: { node: string }): ExportSummary {
  const chunks = auditExportChunks(log, range, format, meta);
  for (;;) {
    const next = chunks.next();
    if (next.done) return next.value;
    write(next.value);
  }
}

interface JsonRow { seq: number; ts: number; session_id: string | null; type: string; actor: string; data: string; prev_hash: string; hash: string }
const fromJson = (r: JsonRow): AuditRow => ({
  seq: r.seq, ts: r.ts, sessionId: r.session_id ?? null, type: r.type, actor: r.actor, data: r.data, prevHash: r.prev_hash, hash: r.hash,
});

export class AuditExportError extends Error {}

/** Reads a JSON or CSV export (by content, not by name) and verifies its chain. */
export function verifyExportText(text: string): ChainReport & { format: ExportFormat } {
  if (text.trimStart().startsWith("{")) {
    let doc: { format?: string; rows?: JsonRow[]; last?: { seq: number; hash: string } | null };
    try { doc = JSON.parse(text); } catch (err) { throw new AuditExportError(`not valid JSON: ${(err as Error).message}`); }
    if (doc.format !== "avsplit-audit-export" || !Array.isArray(doc.rows)) throw new AuditExportError("not an avsplit audit export");
    const rows = doc.rows.map(fromJson);
    const last = doc.last && doc.last.seq !== null ? doc.last : null;
    return { format: "json", ...verifyChain(rows, { head: last }) };
  }
  let records: Record<string, string>[];
  try { records = parseCsv(text, { columns: true, skip_empty_lines: true }); } catch (err) { throw new AuditExportError(`not valid CSV: ${(err as Error).message}`); }
  if (records.length && !CSV_COLUMNS.every((c) => c in records[0])) throw new AuditExportError(`CSV lacks the columns ${CSV_COLUMNS.join(",")}`);
  const rows = records.map((r) => fromJson({ ...r, seq: Number(r.seq), ts: Number(r.ts), session_id: r.session_id || null } as unknown as JsonRow));
  return { format: "csv", ...verifyChain(rows) };
}

export function verifyExportFile(path: string): ChainReport & { format: ExportFormat } {
  return verifyExportText(readFileSync(path, "utf8"));
}
