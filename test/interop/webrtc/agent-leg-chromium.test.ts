/**
 * AgentVideoLeg against headless Chromium (fake camera): the caller's H.264 RTP from a pcap reaches the
 * browser's decoder, the browser's camera reaches the leg as H.264 with the negotiated payload type,
 * keyframe requests cross both ways, in packetization-mode 1 and 0. Everything stays on 127.0.0.1.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { describeH264Payload, NalType } from "../../../src/media/h264/index.ts";
import { RtpHeaderView } from "../../../src/media/rtp/index.ts";
import { AgentVideoLeg, type AgentVideoLegOptions, type MediaPathName } from "../../../src/webrtc/index.ts";
import { haveChromium, readInboundVideoStats, readOutboundVideoStats, waitForStats } from "../../support/chromium.ts";
import { acceptAgentAnswer, agentConnected, agentPageFixture, closeAgentPeer, createAgentOffer } from "./support/agent-page.ts";
import { waitForEvent } from "./support/events.ts";
import { CALLER_MODE0_PCAP, nextDeltaFrameIndex, readRtpPcap, RtpPacer } from "./support/h264-feed.ts";

/** The pcap's SPS says Constrained Baseline level 1.3, 352x288; its SDP says packetization-mode=1. */
const CALLER_MODE1 = "profile-level-id=42c00d;packetization-mode=1";
const CALLER_MODE0 = "profile-level-id=42c00d;packetization-mode=0";

const agent = agentPageFixture();
const cleanups: (() => void | Promise<void>)[] = [];

afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function connectLeg(
  callerH264Fmtp: string, mediaPath: MediaPathName = "lean", extra: Partial<AgentVideoLegOptions> = {},
): Promise<AgentVideoLeg> {
  const leg = new AgentVideoLeg({
    callerH264Fmtp, mediaPath, connectTimeoutMs: 8000, acceptRemoteAddress: (ip) => ip.startsWith("127."), ...extra,
  });
  cleanups.push(() => leg.close(), () => closeAgentPeer(agent.page));
  const offer = await createAgentOffer(agent.page);
  const answer = await leg.acceptOffer(offer);
  const legConnected = waitForEvent(leg, "connected", 8000);
  await acceptAgentAnswer(agent.page, answer);
  await Promise.all([legConnected, agentConnected(agent.page)]);
  return leg;
}

function feed(leg: AgentVideoLeg, packets: ReturnType<typeof readRtpPcap>, startIndex: number): RtpPacer {
  const pacer = new RtpPacer(packets, startIndex);
  pacer.start((p) => leg.sendRtp(p));
  cleanups.push(() => pacer.stop());
  return pacer;
}

const inbound = () => readInboundVideoStats(agent.page);
const outbound = () => readOutboundVideoStats(agent.page);

describe.skipIf(!haveChromium())("agent video leg with headless Chromium", () => {
  test("caller H.264 (mode 1) started mid-GOP: the browser asks for a keyframe (PLI) and then decodes the frames", async () => {
    const leg = await connectLeg(CALLER_MODE1);
    const negotiated = leg.negotiated!;
    expect(negotiated.packetizationMode).toBe(1);
    expect(negotiated.answerFmtp).toContain("profile-level-id=42e00d");

    const packets = readRtpPcap();
    const keyframeRequest = waitForEvent(leg, "keyframe-request", 5000);
    feed(leg, packets, nextDeltaFrameIndex(packets, 100));
    const [kind] = await keyframeRequest;
    expect(kind).toBe("pli");

    const first = await waitForStats(inbound, (s) => s.framesDecoded > 0, 8000, "first decoded frame");
    expect(first.frameWidth).toBe(352);
    expect(first.frameHeight).toBe(288);
    expect(first.codec).toStartWith(`video/H264 ${negotiated.payloadType} `);
    expect(first.codec).toContain("packetization-mode=1");
    const later = await waitForStats(inbound, (s) => s.framesDecoded >= first.framesDecoded + 10, 5000, "10 more frames");
    expect(later.pliCount).toBeGreaterThan(0);
    expect(leg.stats.rtpSent.packets).toBeGreaterThan(0);
    expect(leg.stats.keyframeRequestsReceived).toBeGreaterThan(0);
  }, 25_000);

  test("the browser camera arrives as H.264 with the negotiated PT, and requestKeyframe() brings an IDR", async () => {
    const leg = await connectLeg(CALLER_MODE1);
    const pt = leg.negotiated!.payloadType;
    const view = new RtpHeaderView();
    const seen = { packets: 0, wrongPt: 0, badH264: 0 };
    let lastKeyframeAt = 0;
    leg.on("rtp", (p) => {
      seen.packets++;
      if (!view.wrap(p) || view.payloadType !== pt) { seen.wrongPt++; return; }
      if (view.payloadLength === 0) return; // padding-only probe
      try {
        if (describeH264Payload(p.subarray(view.payloadOffset, view.payloadOffset + view.payloadLength)).hasIdr) {
          lastKeyframeAt = performance.now();
        }
      } catch { seen.badH264++; }
    });
    const hasIdr = (p: Uint8Array) => view.wrap(p) && view.payloadLength > 0 &&
      describeH264Payload(p.subarray(view.payloadOffset, view.payloadOffset + view.payloadLength)).hasIdr;

    // Steady state first: a delta frame more than 1 s after the last IDR (the encoder sends no periodic IDR that soon).
    await waitForEvent(leg, "rtp", 10_000, () => lastKeyframeAt > 0 && performance.now() - lastKeyframeAt > 1000);
    const before = await outbound();
    expect(leg.requestKeyframe()).toBe(true);
    const requestedAt = performance.now();
    await waitForEvent(leg, "rtp", 5000, (p) => hasIdr(p));
    expect(performance.now() - requestedAt).toBeLessThan(5000);
    const after = await waitForStats(outbound, (s) => s.pliCount > before.pliCount, 3000, "browser counting our PLI");
    expect(after.keyFramesEncoded).toBeGreaterThan(before.keyFramesEncoded);
    expect(seen.wrongPt).toBe(0);
    expect(seen.badH264).toBe(0);
    expect(leg.stats.rtpReceived.packets).toBe(seen.packets);
  }, 25_000);

  test("packetization-mode 0 caller: mode-0 format negotiated, single-NAL RTP decoded, camera sent as single NAL units", async () => {
    const leg = await connectLeg(CALLER_MODE0);
    const negotiated = leg.negotiated!;
    expect(negotiated.packetizationMode).toBe(0);
    const view = new RtpHeaderView();
    const aggregatedOrFragmented = { count: 0, packets: 0 };
    leg.on("rtp", (p) => {
      if (!view.wrap(p) || view.payloadLength === 0) return;
      aggregatedOrFragmented.packets++;
      const type = p[view.payloadOffset]! & 0x1f;
      if (type === NalType.StapA || type === NalType.FuA) aggregatedOrFragmented.count++;
    });
    const packets = readRtpPcap(CALLER_MODE0_PCAP);
    feed(leg, packets, 0);
    const stats = await waitForStats(inbound, (s) => s.framesDecoded >= 10, 8000, "10 decoded frames");
    expect(stats.frameWidth).toBe(352);
    expect(stats.codec).toContain("packetization-mode=0");
    await waitForEvent(leg, "rtp", 5000, () => aggregatedOrFragmented.packets >= 20);
    expect(aggregatedOrFragmented.count).toBe(0);
  }, 25_000);

  test("b=AS in the answer caps the browser's encoder (Chromium ignores the answered level)", async () => {
    const leg = await connectLeg(CALLER_MODE1, "lean", { maxBitrateKbps: 80 });
    expect(leg.negotiated).toBeDefined();
    const s = await waitForStats(outbound, (o) => o.targetBitrate > 0, 5000, "an encoder target bitrate");
    expect(s.targetBitrate).toBeLessThanOrEqual(80_000);
  }, 25_000);

  test("the browser closing its peer connection (hang-up) closes the leg with reason remote", async () => {
    const leg = await connectLeg(CALLER_MODE1);
    const closed = waitForEvent(leg, "closed", 3000);
    await closeAgentPeer(agent.page);
    expect((await closed)[0]).toBe("remote");
    expect(leg.sendRtp(readRtpPcap()[0]!.packet)).toBe(false);
  }, 25_000);

  test("werift's own media path carries the same call (reference for the benchmark)", async () => {
    const leg = await connectLeg(CALLER_MODE1, "werift");
    const packets = readRtpPcap();
    feed(leg, packets, 0);
    const stats = await waitForStats(inbound, (s) => s.framesDecoded >= 5, 8000, "5 decoded frames");
    expect(stats.frameWidth).toBe(352);
    await waitForEvent(leg, "rtp", 5000);
  }, 25_000);
});
