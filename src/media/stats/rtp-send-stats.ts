/** What one leg sent to its peer: counters for an SR's sender info and for bitrate. Zero allocation per packet. */
export class RtpSendStats {
  packets = 0;
  bytes = 0;
  /** RTP payload octets (the SR octet count). */
  payloadBytes = 0;
  lastTimestamp = 0;
  lastSentAt = -1;

  onPacket(bytes: number, payloadBytes: number, timestamp: number, nowMs: number): void {
    this.packets++;
    this.bytes += bytes;
    this.payloadBytes += payloadBytes;
    this.lastTimestamp = timestamp;
    this.lastSentAt = nowMs;
  }
}
