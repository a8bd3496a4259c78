/** SDES: chunks of (SSRC, items) (RFC 3550 §6.5). Item type 1 = CNAME. */
import { readUint32, writeUint32 } from "../rtp/header-view.ts";
import { allocatePacket, ensure, readFrame, RtcpType } from "./common.ts";

export const SdesItemType = { END: 0, CNAME: 1, NAME: 2, EMAIL: 3, PHONE: 4, LOC: 5, TOOL: 6, NOTE: 7, PRIV: 8 } as const;

export interface SdesItem { type: number; text: string }
export interface SdesChunk { ssrc: number; items: SdesItem[] }

const MAX_ITEMS_PER_CHUNK = 16;
const decoder = new TextDecoder();
const encoder = new TextEncoder();

export class RtcpSourceDescription {
  readonly type = "sdes";
  constructor(public chunks: SdesChunk[] = []) {}

  get cname(): string | undefined {
    return this.chunks[0]?.items.find((i) => i.type === SdesItemType.CNAME)?.text;
  }

  static deSerialize(buf: Uint8Array): RtcpSourceDescription {
    const { count, body } = readFrame(buf, RtcpType.SDES);
    const chunks: SdesChunk[] = [];
    let i = 0;
    for (let c = 0; c < count; c++) {
      ensure(i + 4 <= body.length, "bad-count", "SDES chunk count exceeds packet");
      const chunk: SdesChunk = { ssrc: readUint32(body, i), items: [] };
      i += 4;
      for (;;) {
        ensure(i < body.length, "bad-item", "SDES chunk without END item");
        const type = body[i];
        if (type === SdesItemType.END) break;
        ensure(i + 2 <= body.length && i + 2 + body[i + 1] <= body.length, "bad-item", "SDES item overruns packet");
        ensure(chunk.items.length < MAX_ITEMS_PER_CHUNK, "bad-item", "too many SDES items");
        const len = body[i + 1];
        chunk.items.push({ type, text: decoder.decode(body.subarray(i + 2, i + 2 + len)) });
        i += 2 + len;
      }
      i = (i + 4) & ~3; // END byte plus padding to the next 32-bit boundary
      chunks.push(chunk);
    }
    return new RtcpSourceDescription(chunks);
  }

  serialize(): Uint8Array {
    const encoded = this.chunks.map((c) => ({
      ssrc: c.ssrc,
      items: c.items.map((it) => {
        const bytes = encoder.encode(it.text);
        if (bytes.length > 255) throw new RangeError("SDES item longer than 255 bytes");
        return { type: it.type, bytes };
      }),
    }));
    const sizes = encoded.map((c) => (4 + c.items.reduce((n, it) => n + 2 + it.bytes.length, 0) + 4) & ~3);
    const out = allocatePacket(encoded.length, RtcpType.SDES, sizes.reduce((a, b) => a + b, 0));
    let i = 4;
    encoded.forEach((c, k) => {
      writeUint32(out, i, c.ssrc);
      let j = i + 4;
      for (const it of c.items) {
        out[j] = it.type;
        out[j + 1] = it.bytes.length;
        out.set(it.bytes, j + 2);
        j += 2 + it.bytes.length;
      }
      i += sizes[k]; // END item and padding are the zeroes already there
    });
    return out;
  }
}
