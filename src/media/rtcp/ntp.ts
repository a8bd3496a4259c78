/** NTP timestamps for SR and the LSR/DLSR arithmetic (RFC 3550 §4, §6.4.1). */

const NTP_UNIX_OFFSET_S = 2_208_988_800;

export interface NtpTime {
  seconds: number;
  fraction: number;
}

export function ntpFromUnixMs(ms: number): NtpTime {
  const total = ms / 1000 + NTP_UNIX_OFFSET_S;
  const seconds = Math.floor(total);
  return { seconds: seconds >>> 0, fraction: Math.floor((total - seconds) * 0x1_0000_0000) >>> 0 };
}

export function unixMsFromNtp(seconds: number, fraction: number): number {
  return (seconds - NTP_UNIX_OFFSET_S) * 1000 + (fraction / 0x1_0000_0000) * 1000;
}

/** Middle 32 bits of the 64-bit NTP timestamp: the LSR field of a report block. */
export function compactNtp(seconds: number, fraction: number): number {
  return (((seconds & 0xffff) << 16) | (fraction >>> 16)) >>> 0;
}

/** DLSR in 1/65536 s units from a delay in ms. */
export function dlsrFromMs(ms: number): number {
  return Math.min(0xffffffff, Math.max(0, Math.round((ms * 65536) / 1000))) >>> 0;
}
