/**
 * The audit hash chain, independent of where rows come from (the database, a JSON or CSV export, an evidence package):
 * hash = sha256hex(prev_hash || canonicalJson({seq, ts, session_id, type, actor, data})).
 */
import { canonicalJson } from "./canonical-json.ts";

export const GENESIS_HASH = "0".repeat(64);

export interface AuditRow {
  seq: number;
  ts: number;
  sessionId: string | null;
  type: string;
  actor: string;
  /** Canonical JSON text of the event's details. */
  data: string;
  prevHash: string;
  hash: string;
}

export function chainHash(prevHash: string, row: Omit<AuditRow, "prevHash" | "hash">): string {
  const body = canonicalJson({ seq: row.seq, ts: row.ts, session_id: row.sessionId, type: row.type, actor: row.actor, data: row.data });
  return new Bun.CryptoHasher("sha256").update(prevHash).update(body).digest("hex");
}

export interface ChainReport {
  ok: boolean;
  rows: number;
  firstSeq: number | null;
  lastSeq: number | null;
  lastHash: string | null;
  /** Each problem names the row (by seq) it was found at. */
  problems: string[];
}

const MAX_PROBLEMS = 100;

const seqRange = (first: number, last: number) => (first === last ? `seq ${first}` : `seq ${first}..${last}`);

/**
 * Verifies rows in the order given. A full chain starts at seq 1 from GENESIS_HASH; a range export starts
 * wherever it starts and its first prev_hash is taken as given. `head` (the newest seq/hash the source claims)
 * detects rows removed from the end.
 */
export function verifyChain(
  rows: Iterable<AuditRow>,
  options: { head?: { seq: number; hash: string } | null; fromGenesis?: boolean } = {},
): ChainReport {
  const problems: string[] = [];
  const report = (p: string) => { if (problems.length < MAX_PROBLEMS) problems.push(p); };
  let prev: AuditRow | undefined;
  let count = 0;
  let firstSeq: number | null = null;
  for (const row of rows) {
    count++;
    if (firstSeq === null) {
      firstSeq = row.seq;
      if (row.seq === 1 && row.prevHash !== GENESIS_HASH) report(`seq 1: prev_hash is not the genesis hash`);
      if (options.fromGenesis && row.seq > 1) report(`${seqRange(1, row.seq - 1)}: removed from the start`);
    }
    if (chainHash(row.prevHash, row) !== row.hash) report(`seq ${row.seq}: content altered (hash does not match the row)`);
    if (prev) {
      if (row.seq <= prev.seq) report(`seq ${row.seq}: out of order (comes after seq ${prev.seq})`);
      else if (row.seq > prev.seq + 1) {
        report(`${seqRange(prev.seq + 1, row.seq - 1)}: removed (gap between seq ${prev.seq} and seq ${row.seq})`);
      }
      if (row.prevHash !== prev.hash) report(`seq ${row.seq}: chain broken (prev_hash does not match the hash of seq ${prev.seq})`);
    }
    prev = row;
  }
  if (options.head) {
    if (!prev) report(`the head names seq ${options.head.seq} but there are no rows: all removed`);
    else if (options.head.seq > prev.seq) report(`${seqRange(prev.seq + 1, options.head.seq)}: removed from the end (head names seq ${options.head.seq})`);
    else if (options.head.seq === prev.seq && options.head.hash !== prev.hash) report(`seq ${prev.seq}: does not match the recorded head hash`);
  }
  return { ok: problems.length === 0, rows: count, firstSeq, lastSeq: prev?.seq ?? null, lastHash: prev?.hash ?? null, problems };
}
