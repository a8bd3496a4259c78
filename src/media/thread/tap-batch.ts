/**
 * Tapped RTP packets crossing from the media thread in one buffer per leg and flush, instead of a message per
 * packet: records of [u32 length][f64 arrival ms][bytes], little-endian.
 */
const HEADER_BYTES = 12;

export class TapBatchWriter {
  private buffer = new ArrayBuffer(16 << 10);
  private view = new DataView(this.buffer);
  private bytes = new Uint8Array(this.buffer);
  private used = 0;

  get empty(): boolean { return this.used === 0; }

  add(packet: Uint8Array, nowMs: number): void {
    const need = this.used + HEADER_BYTES + packet.length;
    if (need > this.buffer.byteLength) this.grow(need);
    this.view.setUint32(this.used, packet.length, true);
    this.view.setFloat64(this.used + 4, nowMs, true);
    this.bytes.set(packet, this.used + HEADER_BYTES);
    this.used = need;
  }

  /** The records so far, in a buffer of their own (to transfer); the writer starts empty again. */
  take(): ArrayBuffer {
    const out = this.buffer.slice(0, this.used);
    this.used = 0;
    return out;
  }

  private grow(need: number): void {
    const next = new ArrayBuffer(Math.max(need, this.buffer.byteLength * 2));
    new Uint8Array(next).set(this.bytes.subarray(0, this.used));
    this.buffer = next;
    this.view = new DataView(next);
    this.bytes = new Uint8Array(next);
  }
}

/** Calls `each` for every record of a batch; stops at a record that does not fit (never reads past the end). */
export function readTapBatch(batch: ArrayBuffer, each: (packet: Uint8Array, nowMs: number) => void): void {
  const view = new DataView(batch);
  for (let at = 0; at + HEADER_BYTES <= batch.byteLength;) {
    const length = view.getUint32(at, true);
    const end = at + HEADER_BYTES + length;
    if (end > batch.byteLength) return;
    each(new Uint8Array(batch, at + HEADER_BYTES, length), view.getFloat64(at + 4, true));
    at = end;
  }
}
