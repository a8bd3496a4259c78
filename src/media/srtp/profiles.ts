/**
 * SRTP protection profiles (RFC 3711, RFC 4568 crypto suites, RFC 5764 / RFC 7714 DTLS-SRTP profile ids).
 */
export type SrtpProfileName =
  | "AES_CM_128_HMAC_SHA1_80"
  | "AES_CM_128_HMAC_SHA1_32"
  | "AEAD_AES_128_GCM"
  | "AEAD_AES_256_GCM";

export interface SrtpProfile {
  readonly name: SrtpProfileName;
  /** DTLS-SRTP protection profile id (RFC 5764 §4.1.2, RFC 7714 §14.2). */
  readonly dtlsId: number;
  readonly aead: boolean;
  readonly masterKeyLength: number;
  readonly masterSaltLength: number;
  /** Session salt length: 112 bits for AES-CM, 96 bits for AES-GCM. */
  readonly sessionSaltLength: number;
  /** HMAC-SHA1 session key length (0 for AEAD). */
  readonly authKeyLength: number;
  readonly rtpTagLength: number;
  /** SRTCP tag length we send with (until the peer is seen using rtcpAltTagLength). */
  readonly rtcpTagLength: number;
  /** Another SRTCP tag length peers use with this suite, also accepted on receive (see AES_CM_128_HMAC_SHA1_32). */
  readonly rtcpAltTagLength?: number;
  /** node:crypto cipher for packets and for the AES-CM PRF of the key derivation. */
  readonly packetCipher: "aes-128-ctr" | "aes-128-gcm" | "aes-256-gcm";
  readonly kdfCipher: "aes-128-ecb" | "aes-256-ecb";
}

const CM_BASE = {
  aead: false, masterKeyLength: 16, masterSaltLength: 14, sessionSaltLength: 14, authKeyLength: 20,
  rtcpTagLength: 10, packetCipher: "aes-128-ctr", kdfCipher: "aes-128-ecb",
} as const;
const GCM_BASE = {
  aead: true, masterSaltLength: 12, sessionSaltLength: 12, authKeyLength: 0, rtpTagLength: 16, rtcpTagLength: 16,
} as const;

export const SRTP_PROFILES: Readonly<Record<SrtpProfileName, SrtpProfile>> = {
  AES_CM_128_HMAC_SHA1_80: { ...CM_BASE, name: "AES_CM_128_HMAC_SHA1_80", dtlsId: 0x0001, rtpTagLength: 10 },
  /**
   * SDES peers disagree on the SRTCP tag of this suite: libre/baresip, ffmpeg and Asterisk use 32 bits for SRTCP
   * too, libsrtp-based WebRTC stacks 80 (as RFC 5764 §4.1.2 prescribes for DTLS-SRTP). We send 32 (the SIP
   * practice), accept both, and switch to the peer's length once it is seen (SrtpSession).
   */
  AES_CM_128_HMAC_SHA1_32: {
    ...CM_BASE, name: "AES_CM_128_HMAC_SHA1_32", dtlsId: 0x0002, rtpTagLength: 4, rtcpTagLength: 4, rtcpAltTagLength: 10,
  },
  AEAD_AES_128_GCM: {
    ...GCM_BASE, name: "AEAD_AES_128_GCM", dtlsId: 0x0007, masterKeyLength: 16,
    packetCipher: "aes-128-gcm", kdfCipher: "aes-128-ecb",
  },
  AEAD_AES_256_GCM: {
    ...GCM_BASE, name: "AEAD_AES_256_GCM", dtlsId: 0x0008, masterKeyLength: 32,
    packetCipher: "aes-256-gcm", kdfCipher: "aes-256-ecb",
  },
};

export function srtpProfileByName(name: string): SrtpProfile | undefined {
  return Object.hasOwn(SRTP_PROFILES, name) ? SRTP_PROFILES[name as SrtpProfileName] : undefined;
}

/** DTLS-SRTP's SRTP_AES128_CM_HMAC_SHA1_32 keeps an 80-bit SRTCP tag (RFC 5764 §4.1.2). */
const DTLS_AES_CM_128_HMAC_SHA1_32: SrtpProfile = { ...SRTP_PROFILES.AES_CM_128_HMAC_SHA1_32, rtcpTagLength: 10, rtcpAltTagLength: 4 };

export function srtpProfileByDtlsId(id: number): SrtpProfile | undefined {
  if (id === DTLS_AES_CM_128_HMAC_SHA1_32.dtlsId) return DTLS_AES_CM_128_HMAC_SHA1_32;
  return Object.values(SRTP_PROFILES).find((p) => p.dtlsId === id);
}
