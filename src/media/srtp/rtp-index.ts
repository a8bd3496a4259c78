/**
 * SRTP packet index estimation (RFC 3711 §3.3.1 and Appendix A): the 48-bit index ROC·2^16 + SEQ is
 * guessed as the candidate closest to the highest index seen so far. Unlike a "seq went from high to
 * low" heuristic, this keeps the right ROC after any loss shorter than 2^15 packets, across a wrap or not.
 */
const SEQ_MODULUS = 0x10000;
const HALF = 0x8000;

/** Returns the estimated index, or -1 when it would fall before the stream's first ROC. */
export function estimateRtpIndex(highest: number, seq: number): number {
  if (highest < 0) return seq;
  const roc = Math.floor(highest / SEQ_MODULUS);
  const sl = highest - roc * SEQ_MODULUS;
  let v = roc;
  if (sl < HALF) {
    if (seq - sl > HALF) v = roc - 1;
  } else if (sl - HALF > seq) {
    v = roc + 1;
  }
  return v < 0 ? -1 : v * SEQ_MODULUS + seq;
}

export function rocOf(index: number): number {
  return Math.floor(index / SEQ_MODULUS) >>> 0;
}
