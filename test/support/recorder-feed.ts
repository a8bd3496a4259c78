/** Runs timed RTP packets through an RtpRecorder into a new file, as the media endpoints' taps hand them over (test support). */
import { FileOutput, RtpRecorder, type RecordingSummary, type RtpRecorderOptions } from "../../src/media/recording/index.ts";
import { RtpHeaderView } from "../../src/media/rtp/index.ts";

export interface TimedPacket {
  kind: "audio" | "video";
  /** Arrival, ms on the clock of `startedAt`. */
  at: number;
  /** The whole RTP packet. */
  data: Uint8Array;
}

export async function recordToFile(file: string, opts: RtpRecorderOptions, packets: readonly TimedPacket[]): Promise<RecordingSummary> {
  const output = new FileOutput(file);
  try {
    const rec = new RtpRecorder(output, opts);
    const v = new RtpHeaderView();
    for (const p of [...packets].sort((a, b) => a.at - b.at)) {
      v.wrap(p.data);
      if (p.kind === "audio") rec.onAudio(v, p.at);
      else rec.onVideo(v, p.at);
    }
    return rec.finish();
  } finally {
    await output.close();
  }
}
