/**
 * Bandwidth limits across the split's video link (VideoLink: caller MediaEndpoint <-> AgentVideoLeg) with headless
 * Chromium as the agent's browser and plain UDP sockets as a VoLTE caller (H.264 from a pcap), negotiated through the
 * real caller policy (which takes `ccm tmmbr`) and the real browser-offer restriction (which keeps `goog-remb`):
 * - the caller's TMMBR becomes a REMB to the browser, and Chromium's encoder and the video reaching the caller fall
 *   to the cap;
 * - Chromium's REMB (its receive-side estimate of the caller's video) reaches the caller as TMMBR.
 */
import { afterEach, expect, test } from "bun:test";
import { parseRtcp, serializeRtcp, RtcpReceiverReport, Tmmbr, type Tmmbn } from "../../../src/media/rtcp/index.ts";
import { systemClock } from "../../../src/util/clock.ts";
import { haveChromium, readOutboundVideoStats } from "../../support/chromium.ts";
import { pollUntil } from "../../support/poll.ts";
import type { UdpPeer } from "../../unit/relay/helpers.ts";
import { acceptAgentAnswer, agentConnected, agentPageFixture, closeAgentPeer, createAgentOffer } from "../webrtc/support/agent-page.ts";
import { readRtpPcap, RtpPacer } from "../webrtc/support/h264-feed.ts";
import { nextRtcp, sipVideoCaller } from "./support/sip-video-caller.ts";

/** The pcap's stream (Constrained Baseline level 1.3): b=AS toward the browser is level 1.3's 768 kbit/s. */
const CALLER_FMTP = "profile-level-id=42e00d;packetization-mode=1";
const CALLER_SSRC = 0x7e11e0;
const CAP_BPS = 150_000;

const agent = agentPageFixture();
const cleanups: (() => unknown)[] = [];
afterEach(async () => { for (const c of cleanups.splice(0).reverse()) await c(); });

/** A VoLTE caller sending H.264 (pcap pacing), linked to the Chromium agent page; resolves once both ends are connected. */
async function chromiumCall() {
  const caller = await sipVideoCaller({ feedback: ["nack", "nack pli", "ccm fir", "ccm tmmbr"], fmtp: CALLER_FMTP, clock: systemClock });
  cleanups.push(() => caller.close(), () => closeAgentPeer(agent.page));
  const pacer = new RtpPacer(readRtpPcap(), 0);
  pacer.start((p) => caller.rtp.send(p, caller.callerVideo.rtpPort));
  cleanups.push(() => pacer.stop());
  await pollUntil(() => caller.callerVideo.rx.ssrc, (ssrc) => ssrc >= 0, 3000, "the caller's first packet");
  const connected = new Promise<void>((resolve) => caller.link.once("connected", resolve));
  const answer = await caller.link.accept(await createAgentOffer(agent.page));
  await acceptAgentAnswer(agent.page, answer);
  await Promise.all([connected, agentConnected(agent.page)]);
  return { ...caller, agentAnswer: answer };
}

/** Records when each agent video packet reaches the caller's RTP socket, and its size. */
function arrivals(rtp: UdpPeer): { at: number; bytes: number }[] {
  const seen: { at: number; bytes: number }[] = [];
  void (async () => {
    for (;;) seen.push({ at: performance.now(), bytes: (await rtp.next(60_000)).data.length });
  })().catch(() => undefined);
  return seen;
}

/** RTP bit/s over the `count` packets that arrive after `from` (awaited), first to last arrival. */
async function bitrateOfNext(seen: { at: number; bytes: number }[], count: number, timeoutMs: number): Promise<number> {
  const from = seen.length;
  await pollUntil(() => seen.length - from, (n) => n > count, timeoutMs, `${count} agent video packets at the caller`);
  const window = seen.slice(from, from + count + 1);
  const bits = window.slice(0, -1).reduce((sum, a) => sum + a.bytes * 8, 0);
  return bits / ((window[window.length - 1]!.at - window[0]!.at) / 1000);
}

const outbound = () => readOutboundVideoStats(agent.page);

test.skipIf(!haveChromium())(
  "a VoLTE caller's TMMBR of 150 kbit/s caps the agent browser: TMMBN back, REMB to Chromium, its encoder and the video at the caller fall to the cap",
  async () => {
    const call = await chromiumCall();
    const atCaller = arrivals(call.rtp);
    await pollUntil(outbound, (s) => s.targetBitrate > CAP_BPS * 1.3, 10_000, "Chromium's encoder above the cap");

    call.rtcp.send(serializeRtcp([
      new RtcpReceiverReport(CALLER_SSRC), new Tmmbr(CALLER_SSRC, [{ ssrc: call.callerVideo.ssrc, bitrate: CAP_BPS, overhead: 40 }]),
    ]), call.callerVideo.rtcpPort);
    const { datagram } = await nextRtcp(call.rtcp, (t) => t === "tmmbn");
    const tmmbn = parseRtcp(datagram.data).find((p) => p.type === "tmmbn") as Tmmbn;
    expect(tmmbn.entries).toEqual([{ ssrc: CALLER_SSRC, bitrate: CAP_BPS, overhead: 40 }]);

    const capped = await pollUntil(outbound, (s) => s.targetBitrate <= CAP_BPS, 10_000, "Chromium's encoder target at the cap");
    expect(capped.targetBitrate).toBeGreaterThan(0);
    // What reaches the caller from then on (RTP headers included, as TMMBR counts them) stays near the cap.
    expect(await bitrateOfNext(atCaller, 45, 15_000)).toBeLessThan(CAP_BPS * 1.2);
  }, 60_000,
);

test.skipIf(!haveChromium())("Chromium's REMB for the caller's video reaches the caller as TMMBR (goog-remb negotiated)", async () => {
  const call = await chromiumCall();
  const pt = /^m=video \d+ \S+ (\d+)/m.exec(call.agentAnswer)![1];
  expect(call.agentAnswer).toContain(`a=rtcp-fb:${pt} goog-remb\r\n`);
  expect(call.agentAnswer).not.toContain("transport-cc");

  const tmmbrs: Tmmbr[] = [];
  while (tmmbrs.length < 2) {
    const { datagram } = await nextRtcp(call.rtcp, (t) => t === "tmmbr", 10_000);
    tmmbrs.push(parseRtcp(datagram.data).find((p) => p.type === "tmmbr") as Tmmbr);
  }
  for (const t of tmmbrs) {
    expect(t.senderSsrc).toBe(call.callerVideo.ssrc);
    expect(t.entries).toHaveLength(1);
    expect(t.entries[0]).toMatchObject({ ssrc: call.callerVideo.rx.ssrc, overhead: 40 });
    expect(t.entries[0]!.bitrate).toBeGreaterThan(0);
  }
  // Chromium repeats its REMB about every second; only changes of more than 10 % go on to the caller.
  const [first, second] = tmmbrs.map((t) => t.entries[0]!.bitrate) as [number, number];
  expect(Math.abs(second - first)).toBeGreaterThan(first * 0.1);
}, 60_000);
