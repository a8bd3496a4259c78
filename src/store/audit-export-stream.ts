/**
 * The audit export (same bytes as exportAudit in audit-export.ts) as a pull-based generator, so an HTTP download
 * produces rows only as fast as the client reads them: memory stays flat for any number of rows.
 * (exportAudit can become `for (const c of auditExportChunks(...)) write(c)`: asked of the lead.)
 */
import type { AuditRow } from "./audit-chain.ts";
import { CSV_COLUMNS, type ExportFormat, type ExportRange, type ExportSummary } from "./audit-export.ts";
import type { AuditLog } from "./audit-log.ts";

const rowJson = (r: AuditRow) =>
  JSON.stringify({ seq: r.seq, ts: r.ts, time: new Date(r.ts).toISOString(), session_id: r.sessionId, type: r.type, actor: r.actor, data: r.data, prev_hash: r.prevHash, hash: r.hash });

const csvField = (v: string | number | null) => {
  const s = v === null ? "" : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

const csvRow = (r: AuditRow) => [r.seq, r.ts, new Date(r.ts).toISOString(), r.sessionId, r.type, r.actor, r.data, r.prevHash, r.hash].map(csvField).join(",") + "\r\n";

/** Yields pieces of about `chunkChars` characters; returns the summary. */
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
