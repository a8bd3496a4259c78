/**
 * One SRTP session of a media leg: our outbound key (protect) and the peer's key (unprotect),
 * from SDES (RFC 4568) or from the DTLS-SRTP exporter (RFC 5764).
 */
import { SrtpKeyError, type SrtpRejectReason } from "./errors.ts";
import type { SrtpMasterKeys } from "./kdf.ts";
import type { SrtpProfile } from "./profiles.ts";
import { SrtpProtector, type SrtpProtectorOptions } from "./protector.ts";
import { DEFAULT_REPLAY_WINDOW } from "./replay-window.ts";
import type { SdesCrypto } from "./sdes.ts";
import { SrtpUnprotector, type SrtpUnprotectorOptions } from "./unprotector.ts";

export interface SrtpSessionOptions extends SrtpProtectorOptions, SrtpUnprotectorOptions {
  profile: SrtpProfile;
  /** Key we send with (SDES: the key in our own a=crypto line). */
  local: SrtpMasterKeys;
  /** Key the peer sends with (SDES: the key in the peer's a=crypto line). */
  remote: SrtpMasterKeys;
  /**
   * protectRtp/protectRtcp without `out` write into one session-owned buffer per method, overwritten by the
   * next call (for a relay that sends at once: no allocation per packet). Default false: a new Buffer each time.
   */
  scratchOutput?: boolean;
}

/** Largest packet protected into the scratch buffer; bigger ones get their own Buffer. */
const SCRATCH_SIZE = 2048;

export class SrtpSession {
  readonly profile: SrtpProfile;
  readonly protector: SrtpProtector;
  readonly unprotector: SrtpUnprotector;
  private readonly rtpScratch: Buffer | null;
  private readonly rtcpScratch: Buffer | null;

  constructor(options: SrtpSessionOptions) {
    this.rtpScratch = options.scratchOutput ? Buffer.allocUnsafe(SCRATCH_SIZE) : null;
    this.rtcpScratch = options.scratchOutput ? Buffer.allocUnsafe(SCRATCH_SIZE) : null;
    this.profile = options.profile;
    this.protector = new SrtpProtector(options.profile, options.local, { maxSsrcs: options.maxSsrcs });
    this.unprotector = new SrtpUnprotector(options.profile, options.remote, {
      maxSsrcs: options.maxSsrcs, replayWindow: options.replayWindow,
    });
  }

  /**
   * From the two a=crypto lines of an SDES offer/answer: `local` is ours, `remote` the peer's (same tag and suite).
   * The peer's WSH hint can only widen our replay window.
   */
  static fromSdes(
    local: SdesCrypto,
    remote: SdesCrypto,
    options: Omit<SrtpSessionOptions, "profile" | "local" | "remote"> = {},
  ): SrtpSession {
    if (local.profile !== remote.profile) {
      throw new SrtpKeyError("suite-mismatch", `a=crypto suites differ: ${local.profile.name} / ${remote.profile.name}`);
    }
    const replayWindow = Math.max(options.replayWindow ?? DEFAULT_REPLAY_WINDOW, remote.windowSizeHint ?? 0);
    return new SrtpSession({ ...options, profile: local.profile, local: local.keys, remote: remote.keys, replayWindow });
  }

  /** See SrtpProtector.protectRtp: `out` (optional) may be the packet's own buffer with room for the tag. */
  protectRtp(packet: Uint8Array, out?: Uint8Array): Uint8Array | null {
    return this.protector.protectRtp(packet, out ?? scratchFor(this.rtpScratch, packet.length + this.protector.rtpOverhead));
  }
  protectRtcp(packet: Uint8Array, out?: Uint8Array): Uint8Array | null {
    return this.protector.protectRtcp(packet, out ?? scratchFor(this.rtcpScratch, packet.length + this.protector.rtcpOverhead));
  }
  /** Decrypts in place; null when rejected (reason in lastReceiveReject, counted). */
  unprotectRtp<T extends Uint8Array>(packet: T): T | null { return this.unprotector.unprotectRtp(packet); }
  /** Also adopts the peer's SRTCP tag length for our SRTCP where the profile allows two (AES_CM_128_HMAC_SHA1_32). */
  unprotectRtcp<T extends Uint8Array>(packet: T): T | null {
    const out = this.unprotector.unprotectRtcp(packet);
    if (out && this.unprotector.peerRtcpTagLength !== this.protector.rtcpTagLength) {
      this.protector.rtcpTagLength = this.unprotector.peerRtcpTagLength;
    }
    return out;
  }

  get lastReceiveReject(): SrtpRejectReason | null { return this.unprotector.lastReject; }
}

function scratchFor(scratch: Buffer | null, needed: number): Buffer | undefined {
  return scratch && needed <= scratch.length ? scratch : undefined;
}
