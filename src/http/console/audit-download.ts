/** The audit export as an HTTP download (console and REST API): audited, pulled by the client in 64 KiB pieces. */
import { auditExportChunks, type ExportFormat, type ExportRange } from "../../store/audit-export.ts";
import type { AuditLog } from "../../store/audit-log.ts";

export function auditDownload(audit: AuditLog, opts: { format: ExportFormat; range: ExportRange; node: string; actor: string }): Response {
  audit.append({ type: "audit.exported", actor: opts.actor, data: { format: opts.format, ...opts.range } });
  const chunks = auditExportChunks(audit, opts.range, opts.format, { node: opts.node });
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      const next = chunks.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(next.value));
    },
    cancel() { chunks.return({ rows: 0, firstSeq: null, lastSeq: null, lastHash: null }); },
  }, { highWaterMark: 1 });
  return new Response(body, {
    headers: {
      "content-type": opts.format === "csv" ? "text/csv; charset=utf-8" : "application/json",
      "content-disposition": `attachment; filename="avsplit-audit-${new Date().toISOString().slice(0, 10)}.${opts.format}"`,
      "cache-control": "no-store",
    },
  });
}
