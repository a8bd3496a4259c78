/** Append-only, hash-chained audit log in SQLite (the `events` table; triggers forbid UPDATE and DELETE). */
import type { Database, Statement } from "bun:sqlite";
import { canonicalJson } from "./canonical-json.ts";
import { GENESIS_HASH, chainHash, verifyChain, type AuditRow, type ChainReport } from "./audit-chain.ts";

export interface AuditEventInput {
  type: string;
  actor: string;
  sessionId?: string | null;
  data?: Record<string, unknown>;
  ts?: number;
}

interface RawRow { seq: number; ts: number; session_id: string | null; type: string; actor: string; data: string; prev_hash: string; hash: string }

const toRow = (r: RawRow): AuditRow => ({
  seq: r.seq, ts: r.ts, sessionId: r.session_id, type: r.type, actor: r.actor, data: r.data, prevHash: r.prev_hash, hash: r.hash,
});

export class AuditLog {
  private readonly head: Statement<{ seq: number; hash: string }, []>;
  private readonly insert: Statement;
  private readonly setHead: Statement;
  private readonly appendTx: (input: AuditEventInput) => AuditRow;

  constructor(private readonly sqlite: Database) {
    this.head = sqlite.query("SELECT seq, hash FROM audit_head WHERE id = 1");
    this.insert = sqlite.prepare("INSERT INTO events (seq, ts, session_id, type, actor, data, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    this.setHead = sqlite.prepare("INSERT INTO audit_head (id, seq, hash) VALUES (1, ?, ?) ON CONFLICT(id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash");
    // Reading the head inside an IMMEDIATE transaction keeps the chain linear even with a second writer (the CLI).
    const tx = sqlite.transaction((input: AuditEventInput): AuditRow => this.appendWithin(input));
    this.appendTx = (input) => tx.immediate(input);
  }

  /** Appends inside a transaction the caller already holds (so other writes can share it). */
  appendWithin(input: AuditEventInput): AuditRow {
    const head = this.head.get();
    const row = {
      seq: (head?.seq ?? 0) + 1,
      ts: input.ts ?? Date.now(),
      sessionId: input.sessionId ?? null,
      type: input.type,
      actor: input.actor,
      data: canonicalJson(input.data ?? {}),
      prevHash: head?.hash ?? GENESIS_HASH,
    };
    const hash = chainHash(row.prevHash, row);
    this.insert.run(row.seq, row.ts, row.sessionId, row.type, row.actor, row.data, row.prevHash, hash);
    this.setHead.run(row.seq, hash);
    return { ...row, hash };
  }

  append(input: AuditEventInput): AuditRow {
    return this.appendTx(input);
  }

  headOf(): { seq: number; hash: string } | null {
    return this.head.get() ?? null;
  }

  /** Streams rows in seq order; `from`/`to` are epoch ms (inclusive). */
  *rows(range: { from?: number; to?: number; sessionId?: string } = {}): Generator<AuditRow> {
    const where: string[] = [];
    const args: (number | string)[] = [];
    if (range.from !== undefined) { where.push("ts >= ?"); args.push(range.from); }
    if (range.to !== undefined) { where.push("ts <= ?"); args.push(range.to); }
    if (range.sessionId !== undefined) { where.push("session_id = ?"); args.push(range.sessionId); }
    const sql = `SELECT * FROM events ${where.length ? "WHERE " + where.join(" AND ") : ""} ORDER BY seq`;
    for (const r of this.sqlite.query<RawRow, (number | string)[]>(sql).iterate(...args)) yield toRow(r);
  }

  newest(limit: number): AuditRow[] {
    return this.sqlite.query<RawRow, [number]>("SELECT * FROM events ORDER BY seq DESC LIMIT ?").all(limit).map(toRow);
  }

  verify(): ChainReport {
    return verifyChain(this.rows(), { head: this.headOf(), fromGenesis: true });
  }
}
