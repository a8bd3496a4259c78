/** Deterministic mutation fuzzing helpers for binary parsers (tests only). */

/** Deterministic PRNG (mulberry32) so a failure is reproducible from the iteration number. */
export function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function mutate(src: Uint8Array, rand: () => number): Uint8Array {
  let buf = src.slice();
  const ops = 1 + Math.floor(rand() * 4);
  for (let k = 0; k < ops; k++) {
    const r = rand();
    if (r < 0.5 && buf.length) buf[Math.floor(rand() * buf.length)] = Math.floor(rand() * 256); // byte flip
    else if (r < 0.65) buf = buf.subarray(0, Math.floor(rand() * (buf.length + 1))); // truncate
    else if (r < 0.8) { // grow with random bytes
      const more = new Uint8Array(buf.length + 1 + Math.floor(rand() * 8));
      more.set(buf);
      for (let i = buf.length; i < more.length; i++) more[i] = Math.floor(rand() * 256);
      buf = more;
    } else if (buf.length >= 4) { // corrupt a length field of some packet
      const at = Math.floor(rand() * (buf.length / 4)) * 4;
      if (at + 3 < buf.length) buf[at + 3] = Math.floor(rand() * 256);
    }
  }
  return buf;
}
