/**
 * Audit exports a reviewer can verify offline. JSON: one row object per line inside "rows" (valid JSON that can
 * also be read line by line); CSV: RFC 4180 with a header row. Both carry every chain field.
 */
import { parse as parseCsvStream } from "csv-parse";
import { parse as parseCsv } from "csv-parse/sync";
import { createReadStream } from "node:fs";
import { ChainVerifier, verifyChain, type AuditRow, type ChainReport } from "./audit-chain.ts";
import type { AuditLog } from "./audit-log.ts";
import { streamChunks } from "./evidence.ts";

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
const fromCsv = (r: Record<string, string>): AuditRow => fromJson({ ...r, seq: Number(r.seq), ts: Number(r.ts), session_id: r.session_id || null } as unknown as JsonRow);

export class AuditExportError extends Error {}
export type ExportReport = ChainReport & { format: ExportFormat };

/** A re-formatted JSON export (still valid, not one row per line) is read whole up to this size. */
const MAX_WHOLE_JSON = 64 * 1024 * 1024;
const EXPORT_FORMAT = "avsplit-audit-export";

/** The input does not follow the one-row-per-line layout auditExportChunks writes. */
class NotLineLayout extends Error {}

/** A JSON export read one line at a time (header line, one row per line, the "last" line), so memory stays flat. */
class JsonLinesVerifier {
  private lineNo = 0;
  private chain = new ChainVerifier();
  private last: { seq: number | null; hash: string | null } | undefined;

  line(raw: string): void {
    this.lineNo++;
    const line = raw.trim();
    if (line === "") return;
    try {
      if (this.lineNo === 1) {
        if (!line.endsWith('"rows":[')) throw new NotLineLayout("no header line");
        const header = JSON.parse(line + "]}") as { format?: string };
        if (header.format !== EXPORT_FORMAT) throw new AuditExportError("not an avsplit audit export");
      } else if (this.last) throw new NotLineLayout("text after the closing line");
      else if (line.startsWith("]")) this.last = (JSON.parse("{" + line.slice(2)) as { last?: { seq: number | null; hash: string | null } }).last ?? { seq: null, hash: null };
      else this.chain.push(fromJson(JSON.parse(line.replace(/^,/, "").replace(/,$/, "")) as JsonRow));
    } catch (err) {
      if (err instanceof AuditExportError || err instanceof NotLineLayout) throw err;
      throw new NotLineLayout(`line ${this.lineNo}: ${(err as Error).message}`);
    }
  }

  finish(): ExportReport {
    if (!this.last) throw new NotLineLayout("no closing line");
    return { format: "json", ...this.chain.finish(this.last.seq !== null ? (this.last as { seq: number; hash: string }) : null) };
  }
}

function verifyJsonDocument(text: string): ExportReport {
  let doc: { format?: string; rows?: JsonRow[]; last?: { seq: number; hash: string } | null };
  try { doc = JSON.parse(text); } catch (err) { throw new AuditExportError(`not valid JSON: ${(err as Error).message}`); }
  if (doc.format !== EXPORT_FORMAT || !Array.isArray(doc.rows)) throw new AuditExportError("not an avsplit audit export");
  const last = doc.last && doc.last.seq !== null ? doc.last : null;
  return { format: "json", ...verifyChain(doc.rows.map(fromJson), { head: last }) };
}

function csvVerifier(): { record(r: Record<string, string>): void; finish(): ExportReport } {
  const chain = new ChainVerifier();
  let first = true;
  return {
    record(r) {
      if (first && !CSV_COLUMNS.every((c) => c in r)) throw new AuditExportError(`CSV lacks the columns ${CSV_COLUMNS.join(",")}`);
      first = false;
      chain.push(fromCsv(r));
    },
    finish: () => ({ format: "csv", ...chain.finish() }),
  };
}

const looksLikeJson = (start: string) => start.trimStart().startsWith("{");

/** Reads a JSON or CSV export held in memory (by content, not by name) and verifies its chain. */
export function verifyExportText(text: string): ExportReport {
  if (looksLikeJson(text)) {
    try {
      const v = new JsonLinesVerifier();
      for (const line of text.split("\n")) v.line(line);
      return v.finish();
    } catch (err) {
      if (err instanceof NotLineLayout) return verifyJsonDocument(text);
      throw err;
    }
  }
  let records: Record<string, string>[];
  try { records = parseCsv(text, { columns: true, skip_empty_lines: true }); } catch (err) { throw new AuditExportError(`not valid CSV: ${(err as Error).message}`); }
  const v = csvVerifier();
  for (const r of records) v.record(r);
  return v.finish();
}

const MAX_LINE = 1024 * 1024;

/** Calls onLine for each line of the file as it is read (the last one may lack its newline). */
async function forEachLine(path: string, onLine: (line: string) => void): Promise<void> {
  const decoder = new TextDecoder();
  let partial = "";
  for await (const chunk of streamChunks(Bun.file(path).stream())) {
    const lines = (partial + decoder.decode(chunk, { stream: true })).split("\n");
    partial = lines.pop()!;
    if (partial.length > MAX_LINE) throw new NotLineLayout(`a line longer than ${MAX_LINE} characters`);
    for (const line of lines) onLine(line);
  }
  onLine(partial + decoder.decode());
}

/**
 * Verifies an export file as a stream: a JSON export line by line, a CSV export record by record, so memory stays flat
 * for any number of rows. A JSON export re-formatted by some tool is read whole if it is small enough.
 */
export async function verifyExportFile(path: string): Promise<ExportReport> {
  const file = Bun.file(path);
  if (looksLikeJson(await file.slice(0, 4096).text())) {
    const v = new JsonLinesVerifier();
    try {
      await forEachLine(path, (line) => v.line(line));
      return v.finish();
    } catch (err) {
      if (!(err instanceof NotLineLayout)) throw err;
      if (file.size <= MAX_WHOLE_JSON) return verifyJsonDocument(await file.text());
      throw new AuditExportError(`too large to read whole and not one row per line (${err.message})`);
    }
  }
  const v = csvVerifier();
  await forEachCsvRecord(path, (r) => v.record(r));
  return v.finish();
}

/** csv-parse as a stream, drained on "readable" (a for-await loop costs a promise per record: 2-3x slower). */
function forEachCsvRecord(path: string, onRecord: (r: Record<string, string>) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const source = createReadStream(path);
    const parser = source.pipe(parseCsvStream({ columns: true, skip_empty_lines: true }));
    const fail = (err: Error) => {
      source.destroy();
      parser.destroy();
      reject(err instanceof AuditExportError ? err : new AuditExportError(`not valid CSV: ${err.message}`));
    };
    parser.on("readable", () => {
      try {
        for (let r = parser.read(); r !== null; r = parser.read()) onRecord(r as Record<string, string>);
      } catch (err) {
        fail(err as Error);
      }
    });
    parser.on("end", resolve);
    parser.on("error", fail);
    source.on("error", fail);
  });
}
