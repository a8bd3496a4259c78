import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  createOrigin, parseSdp, RELAYED_H264_FORMATS, SIP_VIDEO_FEEDBACK, VIDEO_EXTMAP_URIS, type MediaPolicy, type Origin,
} from "../../../src/sdp/index.ts";

export { SIP_VIDEO_FEEDBACK };

const FIXTURES = join(import.meta.dir, "../../fixtures/sdp");

export function fixture(name: string): string {
  return readFileSync(join(FIXTURES, name), "utf8");
}

export function parsedFixture(name: string) {
  return parseSdp(fixture(name));
}

/** Fixed origin so answers compare as text. */
export function origin(address = "192.0.2.10", id = "1700000000"): Origin {
  return createOrigin({ address, sessionId: id, version: 1n });
}

export const H264_CBP = RELAYED_H264_FORMATS;

export function videoPolicy(port = 40002, extra: Partial<MediaPolicy> = {}): MediaPolicy {
  return {
    transport: { address: "192.0.2.10", port },
    codecs: H264_CBP,
    feedback: SIP_VIDEO_FEEDBACK,
    extmapUris: VIDEO_EXTMAP_URIS,
    ...extra,
  };
}

/** Text lines of an SDP body, for exact comparisons. */
export function lines(sdp: string): string[] {
  return sdp.split("\r\n").filter((l) => l !== "");
}
