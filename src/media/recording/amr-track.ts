/**
 * AMR and AMR-WB in Matroska. There is no Matroska codec ID for AMR, so the track is `A_MS/ACM` with a WAVEFORMATEX
 * CodecPrivate whose format tag says which (0x0057 AMR, 0x0058 AMR-WB: the RIFF tags ffmpeg's demuxer maps to
 * amr_nb / amr_wb). Each block is one storage-format frame, which is what ffmpeg's AMR decoders take.
 *
 * ffmpeg's native decoders reject SID frames (comfort noise: "not yet implemented") and the AMR-NB one rejects NO_DATA,
 * so for a 20 ms slot without speech the track stores a frame they turn into a quiet slot instead: NO_DATA for AMR-WB
 * (decoded as silence), for AMR a mode-0 frame marked damaged (Q = 0: the decoder's error concealment fades out).
 * The file then decodes without errors and its audio timeline stays whole; comfort noise is not reproduced.
 */
import { AMR_NO_DATA, amrFrameBits, amrFrameHeader, isAmrSpeech } from "./amr-payload.ts";

const WAVE_FORMAT_AMR_NB = 0x0057;
const WAVE_FORMAT_AMR_WB = 0x0058;
/** Highest modes' bit rates (12.2 / 23.85 kbit/s), for nAvgBytesPerSec. */
const MAX_BYTES_PER_S = { nb: 1525, wb: 2982 };

export function amrSampleRate(wideband: boolean): number {
  return wideband ? 16000 : 8000;
}

/** WAVEFORMATEX (18 bytes, little-endian, no extra bytes) for a mono AMR or AMR-WB stream. */
export function amrWaveFormatEx(wideband: boolean): Uint8Array {
  const out = new Uint8Array(18);
  const dv = new DataView(out.buffer);
  dv.setUint16(0, wideband ? WAVE_FORMAT_AMR_WB : WAVE_FORMAT_AMR_NB, true);
  dv.setUint16(2, 1, true);
  dv.setUint32(4, amrSampleRate(wideband), true);
  dv.setUint32(8, wideband ? MAX_BYTES_PER_S.wb : MAX_BYTES_PER_S.nb, true);
  dv.setUint16(12, 1, true); // nBlockAlign: frames vary in size
  return out;
}

const QUIET_WB = Uint8Array.of(amrFrameHeader(AMR_NO_DATA, true));
const QUIET_NB = new Uint8Array(1 + Math.ceil(amrFrameBits(false, 0)! / 8)); // FT 0, Q 0, zero bits

/** The frame to store for a storage-format frame: speech frames as they are, SID and NO_DATA as a quiet slot. */
export function amrTrackFrame(wideband: boolean, frame: Uint8Array): Uint8Array {
  if (isAmrSpeech(wideband, (frame[0] >> 3) & 0x0f)) return frame;
  return wideband ? QUIET_WB : QUIET_NB;
}
