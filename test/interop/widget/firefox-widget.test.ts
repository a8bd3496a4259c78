/**
 * The widget in Firefox (Debian's firefox-esr over WebDriver BiDi): it signs in with its embed token, shows its
 * zh-CN texts, is bound to the caller's session, and hangs the call up. Video is H.264 passed through: with
 * Firefox's OpenH264 plugin the caller's frames are decoded; without it (this box cannot download the plugin) the
 * widget says so at once and the call goes on as audio.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { haveFirefox, launchFirefox, type FirefoxSession } from "../../support/firefox.ts";
import { pollUntil } from "../../support/poll.ts";
import { splitFixture } from "../../support/split-harness.ts";
import { AGENT, startCall } from "./widget-call.ts";

let firefox: FirefoxSession;
// Registered first: Firefox closes before the appliance stops (its open agent socket would hold the stop).
beforeAll(async () => {
  if (!haveFirefox()) throw new Error("firefox-esr is missing: test/install-deps.sh installs it");
  firefox = await launchFirefox();
}, 60_000);
afterAll(() => firefox?.close());
const fx = splitFixture();

const part = (name: string) => firefox.page.evaluate((p) => document.querySelector(`[data-avsplit="${p}"]`)?.textContent ?? "", name);

test("Firefox: the widget connects, is bound to a video call, tells whether it can show H.264, and hangs up", async () => {
  const page = firefox.page;
  await page.goto(`https://127.0.0.1:${fx.h.httpsPort}/agent/?agent=${AGENT.id}#token=${AGENT.token}`);
  await pollUntil(() => part("agent"), (s) => s === AGENT.id, 15_000, "the widget to connect");
  expect(await part("status")).toBe("等待来电");

  const call = await startCall(fx.h, fx.scenarios.dir, page);
  await pollUntil(() => part("status"), (s) => s === "视频通话中", 10_000, "the video-call status");
  const h264 = await page.evaluate(() => RTCRtpReceiver.getCapabilities("video")?.codecs.some((c) => /h264/i.test(c.mimeType)) ?? false);
  if (h264) {
    await pollUntil(() => page.evaluate(() => (document.querySelector('[data-avsplit="caller-video"]') as HTMLVideoElement).videoWidth), (w) => w === 352, 15_000, "the caller's frames");
  } else {
    await pollUntil(() => part("notice"), (s) => s.includes("H.264"), 10_000, "the no-H.264 notice");
    expect(await page.evaluate(() => (window as unknown as { avsplit: { pc: unknown } }).avsplit.pc)).toBeNull();
  }
  const [caller, cc] = await call.hangup();
  expect(caller.code, caller.logs).toBe(0);
  expect(cc.code, cc.logs).toBe(0);
  await pollUntil(() => part("status"), (s) => s === "等待来电", 10_000, "the widget to be idle again");
}, 60_000);
