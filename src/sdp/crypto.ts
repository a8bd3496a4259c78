/** RFC 4568 SDES a=crypto: suite choice and the attribute we answer with. Keys come from the caller. */
import type { Crypto } from "./model.ts";

export type SrtpSuite = "AES_CM_128_HMAC_SHA1_80" | "AES_CM_128_HMAC_SHA1_32" | "AEAD_AES_128_GCM" | "AEAD_AES_256_GCM";

export interface SdesPolicy {
  /** Base64 key||salt we send with, per suite we accept; suites are tried in the offerer's order. */
  readonly keys: Partial<Record<SrtpSuite, string>>;
}

/** Parse "crypto:<tag> <suite> <key-params> [<session-params>]" (an acap value). */
export function parseCryptoAttribute(text: string): Crypto | undefined {
  const m = /^crypto:(\d{1,9}) ([A-Za-z0-9_]+) (\S+)(?: (.+))?$/.exec(text.trim());
  if (!m) return undefined;
  return { tag: Number(m[1]), suite: m[2], keyParams: m[3], ...(m[4] ? { sessionParams: m[4] } : {}) };
}

/** The base64 key||salt of an "inline:" key parameter (lifetime and MKI stripped). */
export function inlineKey(c: Crypto): string | undefined {
  const m = /^inline:([A-Za-z0-9+/]+={0,2})/.exec(c.keyParams);
  return m ? m[1] : undefined;
}

/** First offered crypto line we accept, answered with the same tag and suite and our key. */
export function chooseCrypto(offered: readonly Crypto[], policy: SdesPolicy): { remote: Crypto; local: Crypto } | undefined {
  for (const remote of offered) {
    const key = policy.keys[remote.suite as SrtpSuite];
    if (!key || !inlineKey(remote)) continue;
    return { remote, local: { tag: remote.tag, suite: remote.suite, keyParams: `inline:${key}` } };
  }
  return undefined;
}
