/**
 * Offline verification of an evidence package (`avsplit audit verify FILE.zip`): every file against the manifest's
 * SHA-256, the audit chain segment (content and links, by seq), the timeline against the chain, and each media file
 * against the SHA-256 recorded when it was captured. Each problem names the file or the row.
 * The zip is read as a stream (fflate): only the small JSON files are kept in memory.
 */
import { Unzip, UnzipInflate, UnzipPassThrough } from "fflate";
import { chainHash, type ChainReport } from "./audit-chain.ts";
import { EVIDENCE_FORMAT, FILES, SEGMENT_FORMAT, streamChunks, type EvidenceManifest, type SegmentRow } from "./evidence.ts";

const KEEP = new Set<string>([FILES.manifest, FILES.timelineJson]);
const MAX_KEPT_BYTES = 256 * 1024 * 1024;
const MAX_WHOLE_CHAIN = 16 * 1024 * 1024;
const MAX_LINE = 1024 * 1024;
const MAX_PROBLEMS = 100;

export interface EvidenceReport extends ChainReport { format: "evidence"; sessionId: string | null; files: number }

export class EvidenceFormatError extends Error {}

interface Entry { sha256: string; bytes: number; text?: string }

export const isZip = (head: Uint8Array) => head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04;

async function readEntries(chunks: AsyncIterable<Uint8Array>, chain: ChainReader): Promise<Map<string, Entry>> {
  const entries = new Map<string, Entry>();
  let error: Error | undefined;
  const unzip = new Unzip((file) => {
    if (entries.has(file.name)) { error ??= new EvidenceFormatError(`${file.name}: appears twice in the zip`); return; }
    const hash = new Bun.CryptoHasher("sha256");
    const keep = KEEP.has(file.name);
    const parts: Uint8Array[] = [];
    const decoder = file.name === FILES.chain ? new TextDecoder() : undefined;
    let bytes = 0;
    file.ondata = (err, data, final) => {
      if (err) { error ??= new EvidenceFormatError(`${file.name}: cannot be decompressed (${err.message})`); return; }
      hash.update(data);
      bytes += data.length;
      if (decoder) chain.push(decoder.decode(data, { stream: !final }), final);
      if (keep) {
        if (bytes > MAX_KEPT_BYTES) { error ??= new EvidenceFormatError(`${file.name}: larger than ${MAX_KEPT_BYTES} bytes`); return; }
        parts.push(data);
      }
      if (final) entries.set(file.name, { sha256: hash.digest("hex"), bytes, text: keep ? new TextDecoder().decode(Buffer.concat(parts)) : undefined });
    };
    file.start();
  });
  unzip.register(UnzipInflate);
  unzip.register(UnzipPassThrough);
  let pending: Uint8Array | undefined;
  try {
    for await (const chunk of chunks) {
      if (pending) unzip.push(pending, false);
      pending = chunk;
      if (error) throw error;
    }
    unzip.push(pending ?? new Uint8Array(0), true);
  } catch (err) {
    if (err instanceof EvidenceFormatError) throw err;
    throw new EvidenceFormatError(`not a readable zip: ${(err as Error).message}`);
  }
  if (error) throw error;
  if (entries.size === 0) throw new EvidenceFormatError("not an evidence package: no files in the zip");
  return entries;
}

function parseJson<T>(entries: Map<string, Entry>, name: string, problems: string[]): T | undefined {
  const text = entries.get(name)?.text;
  if (text === undefined) return undefined;
  try { return JSON.parse(text) as T; } catch (err) { problems.push(`${name}: not valid JSON (${(err as Error).message})`); return undefined; }
}

/** Links and contents of a chain segment, row by row; redacted rows (other sessions) are checked by link only. */
export class SegmentVerifier {
  readonly own = new Map<number, SegmentRow>();
  rows = 0;
  first: SegmentRow | undefined;
  last: SegmentRow | undefined;

  constructor(private readonly problems: string[]) {}

  private report(p: string) { if (this.problems.length < MAX_PROBLEMS) this.problems.push(p); }

  push(r: SegmentRow): void {
    this.rows++;
    this.first ??= r;
    if (!r.redacted) {
      const hash = chainHash(r.prev_hash, { seq: r.seq, ts: r.ts!, sessionId: r.session_id ?? null, type: r.type!, actor: r.actor!, data: r.data! });
      if (hash !== r.hash) this.report(`${FILES.chain}: seq ${r.seq}: content altered (hash does not match the row)`);
      this.own.set(r.seq, r);
    }
    const prev = this.last;
    if (prev) {
      if (r.seq <= prev.seq) this.report(`${FILES.chain}: seq ${r.seq}: out of order (after seq ${prev.seq})`);
      else if (r.seq > prev.seq + 1) this.report(`${FILES.chain}: seq ${prev.seq + 1}${r.seq - 1 > prev.seq + 1 ? `..${r.seq - 1}` : ""}: removed (gap between seq ${prev.seq} and seq ${r.seq})`);
      if (r.prev_hash !== prev.hash) this.report(`${FILES.chain}: seq ${r.seq}: chain broken (prev_hash does not match the hash of seq ${prev.seq})`);
    }
    this.last = r;
  }
}

/**
 * Reads audit-chain.json as it is decompressed: the package writes one row per line, so any length verifies in
 * bounded memory. A small file is also kept whole and parsed as JSON, so a re-formatted (still valid) file verifies too.
 */
class ChainReader {
  private partial = "";
  private lineNo = 0;
  private kept: string[] | undefined = [];
  private keptBytes = 0;
  private lineError: string | undefined;
  private readonly streamed: SegmentVerifier;
  private readonly streamedProblems: string[] = [];
  header: { format?: string } | undefined;

  constructor(private readonly maxWhole: number) {
    this.streamed = new SegmentVerifier(this.streamedProblems);
  }

  push(text: string, final: boolean): void {
    if (this.kept) {
      this.keptBytes += text.length;
      if (this.keptBytes > this.maxWhole) this.kept = undefined;
      else this.kept.push(text);
    }
    const lines = (this.partial + text).split("\n");
    this.partial = final ? "" : lines.pop()!;
    if (this.partial.length > MAX_LINE) { this.lineError ??= `line ${this.lineNo + 1} is longer than ${MAX_LINE} characters`; this.partial = ""; }
    for (const line of lines) this.line(line);
  }

  private line(raw: string): void {
    this.lineNo++;
    const line = raw.trim();
    if (this.lineError || line === "" || line === "]}") return;
    try {
      if (this.lineNo === 1) {
        if (!line.endsWith('"rows":[')) throw new Error("no header line");
        this.header = JSON.parse(line + "]}");
        return;
      }
      this.streamed.push(JSON.parse(line.replace(/^,/, "").replace(/,$/, "")) as SegmentRow);
    } catch (err) {
      this.lineError = `line ${this.lineNo}: ${(err as Error).message}`;
    }
  }

  /** The verified segment, its problems added to `problems`. */
  finish(problems: string[]): SegmentVerifier {
    if (this.kept) {
      let doc: { format?: string; rows?: SegmentRow[] };
      try { doc = JSON.parse(this.kept.join("")); } catch (err) {
        problems.push(`${FILES.chain}: not valid JSON (${(err as Error).message})`);
        if (this.lineError) return new SegmentVerifier(problems);
        problems.push(...this.streamedProblems); // the rows still read line by line: name them
        return this.streamed;
      }
      if (doc.format !== SEGMENT_FORMAT || !Array.isArray(doc.rows)) problems.push(`${FILES.chain}: not an avsplit audit segment`);
      const v = new SegmentVerifier(problems);
      for (const r of Array.isArray(doc.rows) ? doc.rows : []) v.push(r);
      return v;
    }
    if (this.lineError) problems.push(`${FILES.chain}: too large to read whole and not one row per line (${this.lineError})`);
    else if (this.header?.format !== SEGMENT_FORMAT) problems.push(`${FILES.chain}: not an avsplit audit segment`);
    problems.push(...this.streamedProblems);
    return this.streamed;
  }
}

interface Timeline { events?: { seq: number; ts: number; type: string; actor: string; data: string }[] }

export interface VerifyOptions {
  /** audit-chain.json up to this size is also parsed whole (any JSON layout); larger ones only line by line. */
  maxWholeChainBytes?: number;
}

export async function verifyEvidence(chunks: AsyncIterable<Uint8Array>, opts: VerifyOptions = {}): Promise<EvidenceReport> {
  const chain = new ChainReader(opts.maxWholeChainBytes ?? MAX_WHOLE_CHAIN);
  const entries = await readEntries(chunks, chain);
  const problems: string[] = [];
  const manifest = parseJson<EvidenceManifest>(entries, FILES.manifest, problems);
  if (!manifest && !problems.length) problems.push(`${FILES.manifest}: missing`);
  if (manifest && manifest.format !== EVIDENCE_FORMAT) throw new EvidenceFormatError(`${FILES.manifest}: not an avsplit evidence manifest`);

  const listed = new Set<string>();
  for (const f of manifest?.files ?? []) {
    listed.add(f.name);
    const e = entries.get(f.name);
    if (!e) problems.push(`${f.name}: missing from the package (listed in the manifest)`);
    else if (e.sha256 !== f.sha256 || e.bytes !== f.bytes) problems.push(`${f.name}: altered (SHA-256 differs from the manifest)`);
  }
  for (const name of entries.keys()) if (name !== FILES.manifest && manifest && !listed.has(name)) problems.push(`${name}: not listed in the manifest (added)`);

  const segment = entries.has(FILES.chain) ? chain.finish(problems) : new SegmentVerifier([]);
  if (manifest) {
    const c = manifest.chain;
    if (segment.first && c.first_seq !== null && segment.first.seq > c.first_seq) problems.push(`${FILES.chain}: seq ${c.first_seq}..${segment.first.seq - 1}: removed from the start`);
    if (segment.last && c.last_seq !== null && segment.last.seq < c.last_seq) problems.push(`${FILES.chain}: seq ${segment.last.seq + 1}..${c.last_seq}: removed from the end`);
    if (segment.own.size !== c.session_rows) problems.push(`${FILES.chain}: ${c.session_rows} session events expected, ${segment.own.size} present`);
  }

  const timeline = parseJson<Timeline>(entries, FILES.timelineJson, problems);
  const bySeq = new Map(segment.own);
  for (const e of timeline?.events ?? []) {
    const r = bySeq.get(e.seq);
    if (!r) problems.push(`${FILES.timelineJson}: event seq ${e.seq} is not in the audit chain`);
    else if (r.ts !== e.ts || r.type !== e.type || r.actor !== e.actor || r.data !== e.data) problems.push(`${FILES.timelineJson}: event seq ${e.seq} differs from the audit chain`);
    bySeq.delete(e.seq);
  }
  if (timeline) for (const seq of bySeq.keys()) problems.push(`${FILES.timelineJson}: event seq ${seq} removed (present in the audit chain)`);

  for (const m of manifest?.media ?? []) {
    if (!m.name) continue;
    const e = entries.get(m.name);
    if (e && e.sha256 !== m.recorded_sha256) problems.push(`${m.name}: differs from the SHA-256 recorded at capture`);
  }

  return {
    ok: problems.length === 0, format: "evidence", sessionId: manifest?.session_id ?? null, files: entries.size,
    rows: segment.rows, firstSeq: segment.first?.seq ?? null, lastSeq: segment.last?.seq ?? null, lastHash: segment.last?.hash ?? null,
    problems: problems.slice(0, MAX_PROBLEMS),
  };
}

export async function verifyEvidenceFile(path: string): Promise<EvidenceReport> {
  return verifyEvidence(streamChunks(Bun.file(path).stream()));
}

export async function verifyEvidenceBytes(bytes: Uint8Array, opts: VerifyOptions = {}): Promise<EvidenceReport> {
  return verifyEvidence((async function* () { yield bytes; })(), opts);
}
