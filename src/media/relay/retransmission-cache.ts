/**
 * The recently SENT packets of one outbound RTP stream, by (outbound) sequence number, so a NACK (RFC 4585)
 * can be answered by sending them again. Bounded by count (a power-of-two ring indexed by seq) and by age: each
 * store also lets go of the oldest packets past maxAgeMs, so a 60 packets/s stream holds ~60 packets, not 512.
 * Zero-copy: it keeps a reference to each packet, so a sender must hand over bytes that nobody modifies
 * afterwards (the relay does: every datagram arrives in a buffer of its own and is rewritten before it is stored).
 */

export interface RetransmissionCacheOptions {
  /** Rounded up to a power of two (default 512: ~2.5 s of 1.5 Mbit/s video, more than maxAgeMs). */
  maxPackets?: number;
  /** Older packets are not resent: the receiver's jitter buffer has moved on (default 1000 ms). */
  maxAgeMs?: number;
}

export const DEFAULT_RETRANSMISSION_PACKETS = 512;
export const DEFAULT_RETRANSMISSION_AGE_MS = 1000;
const EMPTY = -1;

export class RetransmissionCache {
  readonly maxPackets: number;
  readonly maxAgeMs: number;
  private readonly mask: number;
  private readonly packets: (Uint8Array | undefined)[];
  /** Sequence number held in each slot (EMPTY when none): a slot is reused by seq + k * maxPackets. */
  private readonly seqs: Int32Array;
  private readonly storedAt: Float64Array;
  private readonly resentAt: Float64Array;
  /** Packets referenced now (what the cache keeps alive). */
  held = 0;
  /** Next slot to check for expiry; trails the slots being written. */
  private expireAt = 0;

  constructor(opts: RetransmissionCacheOptions = {}) {
    const wanted = Math.min(0x8000, Math.max(1, opts.maxPackets ?? DEFAULT_RETRANSMISSION_PACKETS));
    this.maxPackets = 1 << Math.ceil(Math.log2(wanted));
    this.mask = this.maxPackets - 1;
    this.maxAgeMs = opts.maxAgeMs ?? DEFAULT_RETRANSMISSION_AGE_MS;
    this.packets = new Array<Uint8Array | undefined>(this.maxPackets);
    this.seqs = new Int32Array(this.maxPackets).fill(EMPTY);
    this.storedAt = new Float64Array(this.maxPackets).fill(Number.NEGATIVE_INFINITY);
    this.resentAt = new Float64Array(this.maxPackets).fill(Number.NEGATIVE_INFINITY);
  }

  /** Keeps `packet` (by reference) as the one sent with sequence number `seq`. */
  store(seq: number, packet: Uint8Array, nowMs: number): void {
    const slot = seq & this.mask;
    if (this.packets[slot] === undefined) this.held++;
    this.packets[slot] = packet;
    this.seqs[slot] = seq & 0xffff;
    this.storedAt[slot] = nowMs;
    this.resentAt[slot] = Number.NEGATIVE_INFINITY;
    this.expire(slot, nowMs);
  }

  /** Releases expired (and skips empty) slots from the cursor on, up to the slot just written or the first fresh one. */
  private expire(written: number, nowMs: number): void {
    const oldest = nowMs - this.maxAgeMs;
    let i = this.expireAt;
    while (i !== written && this.storedAt[i] < oldest) {
      if (this.packets[i] !== undefined) this.held--;
      this.packets[i] = undefined;
      this.seqs[i] = EMPTY;
      this.storedAt[i] = Number.NEGATIVE_INFINITY;
      i = (i + 1) & this.mask;
    }
    this.expireAt = i;
  }

  /** The packet sent with `seq`, or null when it was never stored, was pushed out, or is older than maxAgeMs. */
  get(seq: number, nowMs: number): Uint8Array | null {
    const slot = seq & this.mask;
    if (this.seqs[slot] !== (seq & 0xffff) || nowMs - this.storedAt[slot] > this.maxAgeMs) return null;
    return this.packets[slot] ?? null;
  }

  /** When `seq` was last resent (-Infinity if never); markResent() sets it. */
  lastResentAt(seq: number): number { return this.resentAt[seq & this.mask]; }

  markResent(seq: number, nowMs: number): void { this.resentAt[seq & this.mask] = nowMs; }

  /** Forgets every packet (e.g. the leg closes): the buffers can be collected. */
  clear(): void {
    this.packets.fill(undefined);
    this.held = 0;
    this.seqs.fill(EMPTY);
    this.storedAt.fill(Number.NEGATIVE_INFINITY);
  }
}
