/**
 * AEAD_AES_128_GCM / AEAD_AES_256_GCM for SRTP and SRTCP (RFC 7714 §8, §9): 12-byte IV from the salt,
 * SSRC and index; the RTP header (SRTCP: first 8 bytes + E|index) is the associated data; 16-byte tag.
 * Layout: header | ciphertext | tag | [E|index] | [MKI].
 */
import { createCipheriv, createDecipheriv } from "node:crypto";
import { readUint32, writeUint32 } from "../rtp/index.ts";
import type { SrtpSessionKeys } from "./kdf.ts";
import { mkiMatches, RTCP_HEADER, SRTCP_E_FLAG, SRTCP_INDEX_LENGTH, sameStart } from "./packet-layout.ts";
import type { SrtpProfile } from "./profiles.ts";
import type { SrtpTransform } from "./transform.ts";

const TAG = 16;
const GCM_OPTIONS = { authTagLength: TAG };

export class AesGcmTransform implements SrtpTransform {
  readonly rtpOverhead: number;
  readonly rtcpOverhead: number;
  readonly minRtcpOverhead: number;
  rtcpTagLength = TAG;
  readonly lastRtcpTagLength = TAG;
  lastSrtcpIndexWord = 0;
  private readonly mkiLength: number;
  private readonly cipher: "aes-128-gcm" | "aes-256-gcm";
  private readonly iv = Buffer.alloc(12);
  private readonly rtcpAad = Buffer.alloc(RTCP_HEADER + SRTCP_INDEX_LENGTH);

  constructor(profile: SrtpProfile, private readonly keys: SrtpSessionKeys, private readonly mki: Uint8Array | null) {
    this.cipher = profile.packetCipher as "aes-128-gcm" | "aes-256-gcm";
    this.mkiLength = mki ? mki.length : 0;
    this.rtpOverhead = TAG + this.mkiLength;
    this.rtcpOverhead = TAG + SRTCP_INDEX_LENGTH + this.mkiLength;
    this.minRtcpOverhead = this.rtcpOverhead;
  }

  protectRtp(pkt: Uint8Array, headerLen: number, ssrc: number, index: number, out: Uint8Array): number {
    const len = pkt.length;
    const c = createCipheriv(this.cipher, this.keys.rtpKey, this.rtpIv(ssrc, index), GCM_OPTIONS);
    c.setAAD(pkt.subarray(0, headerLen));
    const enc = c.update(pkt.subarray(headerLen));
    c.final();
    if (!sameStart(pkt, out)) out.set(pkt.subarray(0, headerLen));
    out.set(enc, headerLen);
    out.set(c.getAuthTag(), len);
    if (this.mki) out.set(this.mki, len + TAG);
    return len + this.rtpOverhead;
  }

  unprotectRtp(pkt: Uint8Array, headerLen: number, ssrc: number, index: number): number {
    const end = pkt.length - this.rtpOverhead;
    if (this.mki && !mkiMatches(pkt, end + TAG, this.mki)) return -1;
    const d = createDecipheriv(this.cipher, this.keys.rtpKey, this.rtpIv(ssrc, index), GCM_OPTIONS);
    d.setAAD(pkt.subarray(0, headerLen));
    d.setAuthTag(pkt.subarray(end, end + TAG));
    const plain = d.update(pkt.subarray(headerLen, end));
    if (!finalVerifies(d)) return -1;
    pkt.set(plain, headerLen);
    return end;
  }

  protectRtcp(pkt: Uint8Array, ssrc: number, srtcpIndex: number, out: Uint8Array): number {
    const len = pkt.length;
    const word = (SRTCP_E_FLAG | srtcpIndex) >>> 0;
    const aad = this.rtcpAad;
    aad.set(pkt.subarray(0, RTCP_HEADER));
    writeUint32(aad, RTCP_HEADER, word);
    const c = createCipheriv(this.cipher, this.keys.rtcpKey, this.rtcpIv(ssrc, srtcpIndex), GCM_OPTIONS);
    c.setAAD(aad);
    const enc = c.update(pkt.subarray(RTCP_HEADER));
    c.final();
    if (!sameStart(pkt, out)) out.set(pkt.subarray(0, RTCP_HEADER));
    out.set(enc, RTCP_HEADER);
    out.set(c.getAuthTag(), len);
    writeUint32(out, len + TAG, word);
    if (this.mki) out.set(this.mki, len + TAG + SRTCP_INDEX_LENGTH);
    return len + this.rtcpOverhead;
  }

  unprotectRtcp(pkt: Uint8Array, ssrc: number): number {
    const wordAt = pkt.length - SRTCP_INDEX_LENGTH - this.mkiLength;
    if (this.mki && !mkiMatches(pkt, wordAt + SRTCP_INDEX_LENGTH, this.mki)) return -1;
    const indexWord = readUint32(pkt, wordAt);
    const end = wordAt - TAG;
    const encrypted = (indexWord & SRTCP_E_FLAG) !== 0;
    const d = createDecipheriv(this.cipher, this.keys.rtcpKey, this.rtcpIv(ssrc, indexWord & 0x7fffffff), GCM_OPTIONS);
    if (encrypted) {
      this.rtcpAad.set(pkt.subarray(0, RTCP_HEADER));
      writeUint32(this.rtcpAad, RTCP_HEADER, indexWord);
      d.setAAD(this.rtcpAad);
    } else {
      // Authenticated-only SRTCP (E=0, RFC 7714 §9.2): the whole packet and the index word are the AAD.
      d.setAAD(Buffer.concat([pkt.subarray(0, end), pkt.subarray(wordAt, wordAt + SRTCP_INDEX_LENGTH)]));
    }
    d.setAuthTag(pkt.subarray(end, wordAt));
    const plain = encrypted ? d.update(pkt.subarray(RTCP_HEADER, end)) : undefined;
    if (!finalVerifies(d)) return -1;
    if (plain) pkt.set(plain, RTCP_HEADER);
    this.lastSrtcpIndexWord = indexWord;
    return end;
  }

  /** RFC 7714 §8.1: IV = (00 00 || SSRC || ROC || SEQ) XOR salt. */
  private rtpIv(ssrc: number, index: number): Buffer {
    const iv = this.iv;
    const roc = Math.floor(index / 0x10000);
    const salt = this.keys.rtpSalt;
    iv[0] = salt[0]; iv[1] = salt[1];
    iv[2] = salt[2] ^ (ssrc >>> 24); iv[3] = salt[3] ^ (ssrc >>> 16); iv[4] = salt[4] ^ (ssrc >>> 8); iv[5] = salt[5] ^ ssrc;
    iv[6] = salt[6] ^ (roc >>> 24); iv[7] = salt[7] ^ (roc >>> 16); iv[8] = salt[8] ^ (roc >>> 8); iv[9] = salt[9] ^ roc;
    iv[10] = salt[10] ^ (index >>> 8); iv[11] = salt[11] ^ index;
    return iv;
  }

  /** RFC 7714 §9.1: IV = (00 00 || SSRC || 00 00 || 0 || SRTCP index) XOR salt. */
  private rtcpIv(ssrc: number, index: number): Buffer {
    const iv = this.iv;
    const salt = this.keys.rtcpSalt;
    iv[0] = salt[0]; iv[1] = salt[1];
    iv[2] = salt[2] ^ (ssrc >>> 24); iv[3] = salt[3] ^ (ssrc >>> 16); iv[4] = salt[4] ^ (ssrc >>> 8); iv[5] = salt[5] ^ ssrc;
    iv[6] = salt[6]; iv[7] = salt[7];
    iv[8] = salt[8] ^ (index >>> 24); iv[9] = salt[9] ^ (index >>> 16); iv[10] = salt[10] ^ (index >>> 8); iv[11] = salt[11] ^ index;
    return iv;
  }
}

function finalVerifies(d: { final(): unknown }): boolean {
  try {
    d.final();
    return true;
  } catch {
    return false;
  }
}
