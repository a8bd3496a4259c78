/**
 * The evidence package of one session for dispatch review: a zip (fflate, streamed: bounded memory even with
 * large recordings) holding the timeline (JSON, CSV), the session's segment of the audit hash chain, the SIP trace,
 * the caller's location when known, the screenshots and recordings, and manifest.json (last) with the SHA-256 of every other file.
 *
 * The chain segment covers every row from the session's first to its last event, so links can be checked without
 * gaps; rows of other sessions in it are redacted to {seq, prev_hash, hash} (other callers' details stay out).
 */
import { Zip, ZipDeflate, ZipPassThrough, type ZipInputFile } from "fflate";
import type { AuditRow } from "./audit-chain.ts";
import { resolveInside } from "./data-path.ts";
import type { LegRecord, MediaFileRecord, SessionHistory, SessionRecord } from "./session-history.ts";

export const EVIDENCE_FORMAT = "avsplit-evidence";
export const SEGMENT_FORMAT = "avsplit-audit-segment";
export const FILES = { timelineJson: "timeline.json", timelineCsv: "timeline.csv", chain: "audit-chain.json", trace: "sip-trace.txt", location: "location.json", manifest: "manifest.json" } as const;

export interface SegmentRow { seq: number; ts?: number; session_id?: string | null; type?: string; actor?: string; data?: string; prev_hash: string; hash: string; redacted?: true }

export interface ManifestFile { name: string; bytes: number; sha256: string }
export interface EvidenceManifest {
  format: typeof EVIDENCE_FORMAT;
  version: 1;
  node: string;
  session_id: string;
  exported_at: string;
  exported_by: string;
  chain: { first_seq: number | null; last_seq: number | null; rows: number; session_rows: number; head: { seq: number; hash: string } | null };
  /** Screenshots/recordings: the package name and the SHA-256 recorded when the file was captured. */
  media: { id: string; kind: string; name: string | null; recorded_sha256: string; missing?: true }[];
  files: ManifestFile[];
}

export interface EvidenceInput {
  node: string;
  sessionId: string;
  exportedBy: string;
  dataDir: string;
  history: SessionHistory;
  head: { seq: number; hash: string } | null;
  /** The SIP messages of the session's legs as text. */
  sipTrace: string;
}

const enc = new TextEncoder();
const CHUNK = 256 * 1024;
const MIME_EXT: Record<string, string> = { "image/png": "png", "image/jpeg": "jpg", "image/webp": "webp", "video/webm": "webm", "audio/webm": "webm", "video/mp4": "mp4", "video/x-matroska": "mkv", "audio/ogg": "ogg" };

const eventJson = (r: AuditRow) => ({ seq: r.seq, ts: r.ts, time: new Date(r.ts).toISOString(), type: r.type, actor: r.actor, data: r.data });
const csvField = (v: string | number | null) => {
  const s = v === null ? "" : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

export function timelineCsv(events: AuditRow[]): string {
  const lines = ["seq,ts,time,type,actor,data"];
  for (const e of events) lines.push([e.seq, e.ts, new Date(e.ts).toISOString(), e.type, e.actor, e.data].map(csvField).join(","));
  return lines.join("\r\n") + "\r\n";
}

export function segmentRow(r: AuditRow, sessionId: string): SegmentRow {
  return r.sessionId === sessionId
    ? { seq: r.seq, ts: r.ts, session_id: r.sessionId, type: r.type, actor: r.actor, data: r.data, prev_hash: r.prevHash, hash: r.hash }
    : { seq: r.seq, prev_hash: r.prevHash, hash: r.hash, redacted: true };
}

/** The file name extension of a stored media file's MIME type ("bin" when unknown). */
export function mediaExtension(mime: string): string {
  return MIME_EXT[mime] ?? "bin";
}

export function mediaName(f: Pick<MediaFileRecord, "id" | "kind" | "mime">): string {
  return `media/${f.kind}-${f.id.replace(/[^\w.-]/g, "_")}.${mediaExtension(f.mime)}`;
}

export class EvidenceError extends Error {}

/**
 * audit-chain.json: valid JSON with one row per line (header line, rows, closing line), so a verifier can read it
 * line by line however long the segment is.
 */
function* segmentPieces(input: EvidenceInput, sessionId: string, segment: { first: number | null; last: number | null; rows: number }): Generator<string> {
  yield JSON.stringify({ format: SEGMENT_FORMAT, version: 1, session_id: sessionId, head: input.head }).slice(0, -1) + ',"rows":[\n';
  if (segment.first !== null && segment.last !== null) {
    for (const r of input.history.chainSegment(segment.first, segment.last)) {
      yield (segment.rows++ ? ",\n" : "") + JSON.stringify(segmentRow(r, sessionId));
    }
  }
  yield "\n]}\n";
}

/** A ReadableStream as an async iterable (the DOM typings lack Symbol.asyncIterator). */
export async function* streamChunks(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}

/**
 * Streams the package. `done` resolves with the manifest and its SHA-256 once the last byte was produced
 * (the caller audits the export with it).
 */
export function evidencePackage(input: EvidenceInput): { stream: ReadableStream<Uint8Array>; done: Promise<{ manifest: EvidenceManifest; sha256: string }> } {
  const detail = input.history.get(input.sessionId);
  if (!detail) throw new EvidenceError(`no session ${input.sessionId}`);
  let settle!: { resolve: (v: { manifest: EvidenceManifest; sha256: string }) => void; reject: (e: unknown) => void };
  const done = new Promise<{ manifest: EvidenceManifest; sha256: string }>((resolve, reject) => (settle = { resolve, reject }));
  done.catch(() => undefined);
  const chunks = writeEvidence(input, detail, settle);
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const next = await chunks.next();
        if (next.done) controller.close();
        else controller.enqueue(next.value);
      } catch (err) {
        settle.reject(err);
        controller.error(err);
      }
    },
    cancel(reason) { settle.reject(reason ?? new Error("cancelled")); void chunks.return(undefined); },
  });
  return { stream, done };
}

async function* writeEvidence(
  input: EvidenceInput,
  detail: { session: SessionRecord; legs: LegRecord[]; media: MediaFileRecord[] },
  settle: { resolve: (v: { manifest: EvidenceManifest; sha256: string }) => void },
): AsyncGenerator<Uint8Array> {
  const out: Uint8Array[] = [];
  let failed: Error | undefined;
  const zip = new Zip((err, chunk) => { if (err) failed = err; else out.push(chunk); });
  const drain = function* () {
    if (failed) throw failed;
    yield* out.splice(0);
  };
  const files: ManifestFile[] = [];
  const mtime = new Date();

  const addEntry = (name: string, compress: boolean): { push(b: Uint8Array, final: boolean): void } => {
    const entry: ZipInputFile & { push(b: Uint8Array, final?: boolean): void } = compress ? new ZipDeflate(name, { level: 6 }) : new ZipPassThrough(name);
    entry.mtime = mtime;
    zip.add(entry);
    const hash = new Bun.CryptoHasher("sha256");
    let bytes = 0;
    return {
      push(b, final) {
        hash.update(b);
        bytes += b.length;
        entry.push(b, final);
        if (final) files.push({ name, bytes, sha256: hash.digest("hex") });
      },
    };
  };
  /** A deflated entry from text pieces, pushed in ~CHUNK-sized blocks. */
  const addPieces = function* (name: string, pieces: Iterable<string>) {
    const entry = addEntry(name, true);
    let buffered = "";
    for (const piece of pieces) {
      buffered += piece;
      if (buffered.length >= CHUNK) {
        entry.push(enc.encode(buffered), false);
        buffered = "";
        yield* drain();
      }
    }
    entry.push(enc.encode(buffered), true);
    yield* drain();
  };
  const addText = (name: string, text: string) => addPieces(name, [text]);

  const { session, legs, media } = detail;
  const events = input.history.events(session.id);
  const segment = { first: events[0]?.seq ?? null, last: events.at(-1)?.seq ?? null, rows: 0 };
  const manifestMedia: EvidenceManifest["media"] = [];
  const timeline = {
    session, legs,
    media: media.map((m) => ({ id: m.id, kind: m.kind, mime: m.mime, bytes: m.bytes, sha256: m.sha256, created_at: m.createdAt, name: mediaName(m) })),
    events: events.map(eventJson),
  };
  yield* addText(FILES.timelineJson, JSON.stringify(timeline, null, 1));
  yield* addText(FILES.timelineCsv, timelineCsv(events));
  yield* addPieces(FILES.chain, segmentPieces(input, session.id, segment));
  yield* addText(FILES.trace, input.sipTrace);
  // What the caller's INVITE conveyed (PIDF-LO parsed, references), as the caller.location event recorded it.
  const location = events.find((e) => e.type === "caller.location");
  if (location) yield* addText(FILES.location, JSON.stringify(JSON.parse(location.data), null, 1));

  for (const m of media) {
    const path = resolveInside(input.dataDir, m.path);
    const file = path ? Bun.file(path) : undefined;
    if (!file || !(await file.exists())) {
      manifestMedia.push({ id: m.id, kind: m.kind, name: null, recorded_sha256: m.sha256, missing: true });
      continue;
    }
    const name = mediaName(m);
    manifestMedia.push({ id: m.id, kind: m.kind, name, recorded_sha256: m.sha256 });
    const entry = addEntry(name, false);
    let pending: Uint8Array | undefined;
    for await (const chunk of streamChunks(file.stream())) {
      if (pending) { entry.push(pending, false); yield* drain(); }
      pending = chunk;
    }
    entry.push(pending ?? new Uint8Array(0), true);
    yield* drain();
  }

  const manifest: EvidenceManifest = {
    format: EVIDENCE_FORMAT, version: 1, node: input.node, session_id: session.id, exported_at: new Date().toISOString(), exported_by: input.exportedBy,
    chain: { first_seq: segment.first, last_seq: segment.last, rows: segment.rows, session_rows: events.length, head: input.head },
    media: manifestMedia,
    files: [...files],
  };
  const manifestText = JSON.stringify(manifest, null, 1);
  yield* addText(FILES.manifest, manifestText);
  zip.end();
  yield* drain();
  settle.resolve({ manifest, sha256: new Bun.CryptoHasher("sha256").update(manifestText).digest("hex") });
}
