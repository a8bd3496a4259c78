/** The SDES (RFC 4568) keys of one negotiated stream, as plain data that can cross to the media thread. */
import { parseSdesCrypto, type SdesCryptoFields } from "./sdes.ts";
import { SrtpSession } from "./session.ts";

/** Our a=crypto (we protect with it) and the peer's (we unprotect with it). */
export interface SdesKeys { local: SdesCryptoFields; remote: SdesCryptoFields }

/** The relay's SRTP transform for `keys`. Throws SrtpKeyError when they are unusable. */
export function sdesTransform(keys: SdesKeys): SrtpSession {
  return SrtpSession.fromSdes(parseSdesCrypto(keys.local), parseSdesCrypto(keys.remote), { scratchOutput: true });
}
