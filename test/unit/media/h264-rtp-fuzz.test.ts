import { expect, test } from "bun:test";
import { readdirSync } from "node:fs";
import { RtpPacket, RtpParseError } from "../../../src/media/rtp/index.ts";
import { describeH264Payload, H264ParseError, isKeyframe, parseSps } from "../../../src/media/h264/index.ts";
import { mutate, rng } from "../../support/fuzz.ts";
import { MEDIA_FIXTURES, mediaFixture } from "../../support/media-fixtures.ts";

test("10k mutated RTP/H.264 packets: only RtpParseError / H264ParseError", () => {
  const rand = rng(99);
  const seeds = readdirSync(MEDIA_FIXTURES).filter((f) => f.startsWith("rtp-")).map(mediaFixture);
  for (let i = 0; i < 10_000; i++) {
    const input = mutate(seeds[i % seeds.length], rand);
    try {
      const p = RtpPacket.deSerialize(input);
      isKeyframe(p.payload);
      describeH264Payload(p.payload);
    } catch (e) {
      if (!(e instanceof RtpParseError) && !(e instanceof H264ParseError)) throw new Error(`iteration ${i}: ${String(e)}`);
    }
  }
});

test("5k mutated SPS NAL units: only H264ParseError, and any accepted size is positive and bounded", () => {
  const rand = rng(7);
  const seeds = readdirSync(MEDIA_FIXTURES).filter((f) => f.startsWith("sps-")).map(mediaFixture);
  for (let i = 0; i < 5_000; i++) {
    const input = mutate(seeds[i % seeds.length], rand);
    try {
      const sps = parseSps(input);
      expect(sps.width > 0 && sps.width <= 16384 && sps.height > 0 && sps.height <= 32768).toBe(true);
    } catch (e) {
      if (!(e instanceof H264ParseError)) throw new Error(`iteration ${i}: ${String(e)}`);
    }
  }
});
