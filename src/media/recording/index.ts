export { RtpRecorder, RtpTimeline, type RecordedCodec, type RtpRecorderOptions, type RecordingSummary } from "./rtp-recorder.ts";
export { MatroskaWriter, type MatroskaWriterOptions, type SeekableOutput, type TrackSpec } from "./matroska-writer.ts";
export { H264AccessUnits, avcDecoderConfiguration, type AccessUnit } from "./h264-access-units.ts";
export { decodeG711, ALAW_TO_PCM, ULAW_TO_PCM, type G711Law } from "./g711.ts";
export { FileOutput } from "./file-output.ts";
