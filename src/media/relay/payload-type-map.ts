/**
 * Payload type translation for one direction of a bridge, when the two legs negotiated different numbers
 * for the same codec (e.g. telephone-event 101 on the caller side, 96 toward the call center).
 */
export const DROP_PAYLOAD_TYPE = 0xff;

/** from PT -> to PT; null = drop packets of that PT. */
export type PayloadTypeMapping = Record<number, number | null>;

export class PayloadTypeMap {
  private readonly table = new Uint8Array(128);

  /** `dropUnlisted`: PTs not in `mapping` are dropped instead of passed with their number. */
  constructor(mapping: PayloadTypeMapping = {}, dropUnlisted = false) {
    for (let pt = 0; pt < 128; pt++) this.table[pt] = dropUnlisted ? DROP_PAYLOAD_TYPE : pt;
    for (const [from, to] of Object.entries(mapping)) {
      const f = Number(from);
      if (!isPayloadType(f) || (to !== null && !isPayloadType(to))) throw new RangeError(`bad payload type mapping ${from} -> ${to}`);
      this.table[f] = to === null ? DROP_PAYLOAD_TYPE : to;
    }
  }

  /** Output PT, or DROP_PAYLOAD_TYPE. */
  map(pt: number): number { return this.table[pt]; }
}

function isPayloadType(v: number): boolean { return Number.isInteger(v) && v >= 0 && v < 128; }
