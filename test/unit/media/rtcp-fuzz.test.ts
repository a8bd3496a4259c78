import { expect, test } from "bun:test";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { parseRtcp, RtcpParseError, serializeRtcp } from "../../../src/media/rtcp/index.ts";
import { mutate, rng } from "../../support/fuzz.ts";
import { MEDIA_FIXTURES, mediaFixture } from "../../support/media-fixtures.ts";
import { readPcapFile } from "../../support/pcap.ts";

const rtcpSeeds = [
  ...readdirSync(MEDIA_FIXTURES).filter((f) => f.startsWith("rtcp-")).map(mediaFixture),
  ...readPcapFile(join(MEDIA_FIXTURES, "baresip_rtcp.pcap")).map((d) => d.payload),
];

test("10k mutated RTCP compounds: only RtcpParseError, and whatever parses re-serializes and re-parses", () => {
  const rand = rng(4242);
  let ok = 0;
  let rejected = 0;
  for (let i = 0; i < 10_000; i++) {
    const input = mutate(rtcpSeeds[i % rtcpSeeds.length], rand);
    try {
      const packets = parseRtcp(input);
      expect(parseRtcp(serializeRtcp(packets)).length).toBe(packets.length);
      ok++;
    } catch (e) {
      if (!(e instanceof RtcpParseError)) throw new Error(`iteration ${i}: ${String(e)} for ${Buffer.from(input).toString("hex")}`);
      rejected++;
    }
  }
  expect(ok).toBeGreaterThan(500); // the mutations must also exercise the accept path
  expect(rejected).toBeGreaterThan(500);
});
