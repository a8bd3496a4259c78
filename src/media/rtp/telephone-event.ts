/** RFC 4733 §2.3 telephone-event payload (4 bytes; redundant copies of the same event may follow and are ignored). */
import { RtpParseError } from "./errors.ts";

const DIGITS = "0123456789*#ABCD";

export class TelephoneEvent {
  constructor(
    public event: number,
    public end: boolean,
    /** Power level in -dBm0, 0..63. */
    public volume: number,
    /** Duration in timestamp units. */
    public duration: number,
  ) {}

  /** DTMF digit for events 0..15, "" for other events (tones, flash). */
  get digit(): string {
    return this.event < DIGITS.length ? DIGITS[this.event] : "";
  }

  static deSerialize(payload: Uint8Array): TelephoneEvent {
    if (payload.length < 4) throw new RtpParseError("bad-telephone-event", "telephone-event payload shorter than 4 bytes");
    return new TelephoneEvent(payload[0], (payload[1] & 0x80) !== 0, payload[1] & 0x3f, (payload[2] << 8) | payload[3]);
  }

  serialize(): Uint8Array {
    return new Uint8Array([this.event, (this.end ? 0x80 : 0) | (this.volume & 0x3f), this.duration >>> 8, this.duration & 0xff]);
  }
}
