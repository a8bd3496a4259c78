/**
 * SRTP key derivation (RFC 3711 §4.3) with the AES-CM PRF and key_derivation_rate 0:
 * x = master_salt XOR (label << 48), keystream = AES_k(x·2^16 + i), i = 0, 1, ...
 * AES-256 profiles use the AES-256 PRF (RFC 6188 §7, RFC 7714 §11).
 */
import { createCipheriv } from "node:crypto";
import { SrtpKeyError } from "./errors.ts";
import type { SrtpProfile } from "./profiles.ts";

export interface SrtpMasterKeys {
  masterKey: Uint8Array;
  masterSalt: Uint8Array;
  /** Master Key Identifier carried in every packet protected with this key (RFC 3711 §3.1), if signalled. */
  mki?: Uint8Array;
}

/** Master keys (normal use) or already-derived session keys (test vectors given at session-key level). */
export type SrtpKeyInput = SrtpMasterKeys | { sessionKeys: SrtpSessionKeys; mki?: Uint8Array };

export interface SrtpSessionKeys {
  rtpKey: Buffer;
  rtpSalt: Buffer;
  rtpAuthKey: Buffer;
  rtcpKey: Buffer;
  rtcpSalt: Buffer;
  rtcpAuthKey: Buffer;
}

/** Key derivation labels (RFC 3711 §4.3.2). */
const Label = { RtpKey: 0, RtpAuth: 1, RtpSalt: 2, RtcpKey: 3, RtcpAuth: 4, RtcpSalt: 5 } as const;

export function deriveSessionKeys(profile: SrtpProfile, keys: SrtpMasterKeys): SrtpSessionKeys {
  const { masterKey, masterSalt } = keys;
  if (masterKey.length !== profile.masterKeyLength || masterSalt.length !== profile.masterSaltLength) {
    throw new SrtpKeyError("bad-key-length",
      `${profile.name} needs a ${profile.masterKeyLength}-byte key and ${profile.masterSaltLength}-byte salt, ` +
      `got ${masterKey.length}/${masterSalt.length}`);
  }
  const prf = (label: number, length: number) => aesCmPrf(profile.kdfCipher, masterKey, masterSalt, label, length);
  return {
    rtpKey: prf(Label.RtpKey, profile.masterKeyLength),
    rtpSalt: prf(Label.RtpSalt, profile.sessionSaltLength),
    rtpAuthKey: prf(Label.RtpAuth, profile.authKeyLength),
    rtcpKey: prf(Label.RtcpKey, profile.masterKeyLength),
    rtcpSalt: prf(Label.RtcpSalt, profile.sessionSaltLength),
    rtcpAuthKey: prf(Label.RtcpAuth, profile.authKeyLength),
  };
}

/** A salt shorter than 112 bits (AES-GCM's 96) is zero-extended on the right, as libsrtp does. */
function aesCmPrf(cipher: string, key: Uint8Array, salt: Uint8Array, label: number, length: number): Buffer {
  if (length === 0) return Buffer.alloc(0);
  const blocks = Math.ceil(length / 16);
  const counters = Buffer.alloc(blocks * 16);
  for (let b = 0; b < blocks; b++) {
    const o = b * 16;
    counters.set(salt, o);
    counters[o + 7] ^= label;
    counters[o + 14] = b >>> 8;
    counters[o + 15] = b & 0xff;
  }
  const ecb = createCipheriv(cipher, key, null);
  ecb.setAutoPadding(false);
  return Buffer.concat([ecb.update(counters), ecb.final()]).subarray(0, length);
}
