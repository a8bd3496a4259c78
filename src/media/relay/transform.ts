/**
 * Per-leg packet transform between the wire and the relay (SDES SRTP on SIP legs is plugged in by the
 * session layer). A method returns the bytes to use, or null to drop the packet (e.g. bad auth tag). The unprotect
 * methods may work in place; the protect methods must not change their input (a video leg keeps the packets it sent,
 * unprotected, to answer NACKs) and return their own scratch buffer, valid until their next call (the relay sends at once).
 */
export interface PacketTransform {
  unprotectRtp(packet: Uint8Array): Uint8Array | null;
  protectRtp(packet: Uint8Array): Uint8Array | null;
  unprotectRtcp(packet: Uint8Array): Uint8Array | null;
  protectRtcp(packet: Uint8Array): Uint8Array | null;
}

const same = (p: Uint8Array): Uint8Array => p;

/** Plain RTP/RTCP: bytes pass unchanged. */
export const plainTransform: PacketTransform = {
  unprotectRtp: same,
  protectRtp: same,
  unprotectRtcp: same,
  protectRtcp: same,
};
