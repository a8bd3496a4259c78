/** RFC 3261 §14.1: after a 491 the UAC retries a re-INVITE after a random delay that depends on who owns the Call-ID. */
export function glareRetryDelayMs(ownsCallId: boolean, random: () => number = Math.random): number {
  // Units of 10 ms: owner 2.1..4 s, otherwise 0..2 s.
  return ownsCallId ? 2100 + Math.floor(random() * 191) * 10 : Math.floor(random() * 201) * 10;
}
