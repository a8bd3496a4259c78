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
 * Verifies rows pushed in the order given, so a source of any length is checked in bounded memory. A full chain starts
 * at seq 1 from GENESIS_HASH; a range export starts wherever it starts and its first prev_hash is taken as given.
 */
export class ChainVerifier {
  private readonly problems: string[] = [];
  private prev: AuditRow | undefined;
  private count = 0;
  private firstSeq: number | null = null;

  constructor(private readonly options: { fromGenesis?: boolean } = {}) {}

  private report(p: string): void {
    if (this.problems.length < MAX_PROBLEMS) this.problems.push(p);
  }

  push(row: AuditRow): void {
    this.count++;
    if (this.firstSeq === null) {
      this.firstSeq = row.seq;
      if (row.seq === 1 && row.prevHash !== GENESIS_HASH) this.report(`seq 1: prev_hash is not the genesis hash`);
      if (this.options.fromGenesis && row.seq > 1) this.report(`${seqRange(1, row.seq - 1)}: removed from the start`);
    }
    if (chainHash(row.prevHash, row) !== row.hash) this.report(`seq ${row.seq}: content altered (hash does not match the row)`);
    const prev = this.prev;
    if (prev) {
      if (row.seq <= prev.seq) this.report(`seq ${row.seq}: out of order (comes after seq ${prev.seq})`);
      else if (row.seq > prev.seq + 1) {
        this.report(`${seqRange(prev.seq + 1, row.seq - 1)}: removed (gap between seq ${prev.seq} and seq ${row.seq})`);
      }
      if (row.prevHash !== prev.hash) this.report(`seq ${row.seq}: chain broken (prev_hash does not match the hash of seq ${prev.seq})`);
    }
    this.prev = row;
  }

  /** `head` (the newest seq/hash the source claims) detects rows removed from the end. */
  finish(head?: { seq: number; hash: string } | null): ChainReport {
    const prev = this.prev;
    if (head) {
      if (!prev) this.report(`the head names seq ${head.seq} but there are no rows: all removed`);
      else if (head.seq > prev.seq) this.report(`${seqRange(prev.seq + 1, head.seq)}: removed from the end (head names seq ${head.seq})`);
      else if (head.seq === prev.seq && head.hash !== prev.hash) this.report(`seq ${prev.seq}: does not match the recorded head hash`);
    }
    return { ok: this.problems.length === 0, rows: this.count, firstSeq: this.firstSeq, lastSeq: prev?.seq ?? null, lastHash: prev?.hash ?? null, problems: [...this.problems] };
  }
}

/** Verifies rows in the order given (see ChainVerifier). */
export function verifyChain(
  rows: Iterable<AuditRow>,
  options: { head?: { seq: number; hash: string } | null; fromGenesis?: boolean } = {},
): ChainReport {
  const verifier = new ChainVerifier(options);
  for (const row of rows) verifier.push(row);
  return verifier.finish(options.head);
}
