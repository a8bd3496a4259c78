/**
 * Splits the DTLS-SRTP exporter output ("EXTRACTOR-dtls_srtp", RFC 5764 §4.2) into our and the
 * peer's master keys: client_key | server_key | client_salt | server_salt.
 */
import { SrtpKeyError } from "./errors.ts";
import type { SrtpMasterKeys } from "./kdf.ts";
import type { SrtpProfile } from "./profiles.ts";

export const DTLS_SRTP_EXPORTER_LABEL = "EXTRACTOR-dtls_srtp";

export function dtlsSrtpKeyingMaterialLength(profile: SrtpProfile): number {
  return 2 * (profile.masterKeyLength + profile.masterSaltLength);
}

export function srtpKeysFromDtls(
  profile: SrtpProfile,
  material: Uint8Array,
  role: "client" | "server",
): { local: SrtpMasterKeys; remote: SrtpMasterKeys } {
  const k = profile.masterKeyLength;
  const s = profile.masterSaltLength;
  if (material.length !== 2 * (k + s)) {
    throw new SrtpKeyError("bad-key-length", `DTLS-SRTP keying material for ${profile.name} must be ${2 * (k + s)} bytes`);
  }
  const client = { masterKey: material.slice(0, k), masterSalt: material.slice(2 * k, 2 * k + s) };
  const server = { masterKey: material.slice(k, 2 * k), masterSalt: material.slice(2 * k + s, 2 * (k + s)) };
  return role === "client" ? { local: client, remote: server } : { local: server, remote: client };
}
