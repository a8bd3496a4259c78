/** The H.264 capture as RTP packets, with helpers to strip in-band parameter sets (test support). */
import { join } from "node:path";
import { extractNalUnits, NalType } from "../../src/media/h264/index.ts";
import { RtpHeaderView } from "../../src/media/rtp/index.ts";
import { readPcapFile } from "./pcap.ts";
import { MEDIA_FIXTURES } from "./media-fixtures.ts";

export function h264CapturePackets(): Uint8Array[] {
  return readPcapFile(join(MEDIA_FIXTURES, "h264_rtp.pcap")).map((d) => d.payload);
}

export function payloadOf(packet: Uint8Array): Uint8Array {
  const v = new RtpHeaderView();
  if (!v.wrap(packet)) throw new Error(`bad RTP in fixture: ${v.error}`);
  return packet.subarray(v.payloadOffset, v.payloadOffset + v.payloadLength);
}

/** True for the STAP-A packets that carry SPS/PPS in the capture. */
export function carriesParameterSets(packet: Uint8Array): boolean {
  const p = payloadOf(packet);
  return (p[0] & 0x1f) === NalType.StapA && extractNalUnits(p).some((u) => (u[0] & 0x1f) === NalType.Sps);
}
