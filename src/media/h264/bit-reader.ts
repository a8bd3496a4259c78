/** MSB-first bit reader over an RBSP (emulation-prevention bytes removed), with Exp-Golomb codes (H.264 §9.1). */
import { H264ParseError } from "./errors.ts";

/** Removes 0x000003 emulation prevention (H.264 §7.4.1). */
export function toRbsp(nal: Uint8Array): Uint8Array {
  const out = new Uint8Array(nal.length);
  let n = 0;
  let zeros = 0;
  for (let i = 0; i < nal.length; i++) {
    const b = nal[i];
    if (zeros >= 2 && b === 3) { zeros = 0; continue; }
    zeros = b === 0 ? zeros + 1 : 0;
    out[n++] = b;
  }
  return out.subarray(0, n);
}

export class BitReader {
  private bit = 0;
  constructor(private readonly data: Uint8Array) {}

  u(bits: number): number {
    let v = 0;
    for (let k = 0; k < bits; k++) {
      const byte = this.bit >> 3;
      if (byte >= this.data.length) throw new H264ParseError("truncated", "read past the end of the RBSP");
      v = v * 2 + ((this.data[byte] >> (7 - (this.bit & 7))) & 1);
      this.bit++;
    }
    return v;
  }

  flag(): boolean { return this.u(1) === 1; }

  ue(): number {
    let zeros = 0;
    while (this.u(1) === 0) {
      if (++zeros > 31) throw new H264ParseError("bad-exp-golomb", "Exp-Golomb code longer than 32 bits");
    }
    return 2 ** zeros - 1 + this.u(zeros);
  }

  se(): number {
    const k = this.ue();
    return k % 2 === 1 ? (k + 1) / 2 : -(k / 2);
  }
}
