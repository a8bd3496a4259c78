/**
 * The per-packet cryptographic transform of one SRTP profile, given the packet index.
 * Index bookkeeping (ROC estimation, replay, SRTCP counters) lives in the protector/unprotector.
 */
import { deriveSessionKeys, type SrtpKeyInput } from "./kdf.ts";
import type { SrtpProfile } from "./profiles.ts";
import { AesCmHmacTransform } from "./aes-cm-hmac.ts";
import { AesGcmTransform } from "./aes-gcm.ts";

export interface SrtpTransform {
  /** Bytes protectRtp() adds after the payload (tag and MKI). */
  readonly rtpOverhead: number;
  /** Bytes protectRtcp() adds (SRTCP index, MKI and tag). */
  readonly rtcpOverhead: number;
  /** Smallest SRTCP overhead accepted on receive. */
  readonly minRtcpOverhead: number;
  /** SRTCP tag length protectRtcp() uses; settable to one of the profile's lengths. */
  rtcpTagLength: number;
  /** SRTCP tag length of the last packet unprotectRtcp() verified. */
  readonly lastRtcpTagLength: number;
  /** E flag|index word of the last packet unprotectRtcp() verified. */
  readonly lastSrtcpIndexWord: number;
  /** Writes header, encrypted payload and tag to `out` (may be `pkt` itself, with room); returns the length. */
  protectRtp(pkt: Uint8Array, headerLen: number, ssrc: number, index: number, out: Uint8Array): number;
  /** Verifies then decrypts in place; returns the plaintext length, or -1 if the tag does not verify. */
  unprotectRtp(pkt: Uint8Array, headerLen: number, ssrc: number, index: number): number;
  /** Encrypts (E=1) with the given SRTCP index; returns the length written to `out`. */
  protectRtcp(pkt: Uint8Array, ssrc: number, srtcpIndex: number, out: Uint8Array): number;
  /** Verifies then decrypts (if E) in place; returns the plaintext RTCP length, or -1. */
  unprotectRtcp(pkt: Uint8Array, ssrc: number): number;
}

export function createSrtpTransform(profile: SrtpProfile, keys: SrtpKeyInput): SrtpTransform {
  const sessionKeys = "sessionKeys" in keys ? keys.sessionKeys : deriveSessionKeys(profile, keys);
  const mki = keys.mki?.length ? keys.mki : null;
  return profile.aead ? new AesGcmTransform(profile, sessionKeys, mki) : new AesCmHmacTransform(profile, sessionKeys, mki);
}
