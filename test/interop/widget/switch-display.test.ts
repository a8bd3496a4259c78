/**
 * Feature (c): the agent switches the caller's view from the camera to the display image and back. Observed at
 * the caller: the H.264 RTP avsplit sends to the caller's video port is captured, decoded with ffmpeg, and the
 * frames' mean colour goes camera -> the display image's colour -> camera, with RTP flowing throughout.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { pollUntil } from "../../support/poll.ts";
import { tempDir } from "../../support/temp-dir.ts";
import { annexB, captureUdpTo, colourDistance, frameColours, imageColour } from "./caller-video-capture.ts";
import { auditedSources, openWidget, startCall } from "./widget-call.ts";
import { splitBrowserFixture, videoCounters } from "../../support/split-browser.ts";

const DEFAULT_IMAGE = join(import.meta.dir, "../../../admin-ui/agent/display-default.png");

let work: { path: string; cleanup(): void };

const fx = splitBrowserFixture();

beforeAll(async () => {
  work = tempDir("avsplit-display-");
});

afterAll(async () => {
  work?.cleanup();
});

/** Waits until the widget has encoded `more` frames beyond now. */
async function encodeMore(page: Page, more: number, what: string) {
  const from = (await videoCounters(page)).framesEncoded;
  await pollUntil(() => videoCounters(page), (c) => c.framesEncoded >= from + more, 8000, what);
}

test("switch display: the caller receives the display image instead of the camera, then the camera again", async () => {
  const page = fx.browser.page;
  await openWidget(page, fx.h);
  const capture = await captureUdpTo(fx.h.callerMediaPort + 2, work.path);
  const call = await startCall(fx.h, fx.scenarios.dir, page);
  await pollUntil(() => videoCounters(page), (c) => c.framesEncoded > 0, 10_000, "the widget to send its camera");
  await encodeMore(page, 40, "camera frames");

  await page.click('[data-avsplit="display"]');
  await page.waitForFunction(() => {
    const w = (window as unknown as { avsplit: { display: string; sender: RTCRtpSender; image?: { stream: MediaStream } } }).avsplit;
    return w.display === "image" && w.sender.track === w.image?.stream.getVideoTracks()[0];
  }, null, { timeout: 5000 });
  expect(await page.textContent('[data-avsplit="display"]')).toBe("切换为摄像头");
  await encodeMore(page, 12, "display image frames");

  await page.click('[data-avsplit="display"]');
  await page.waitForFunction(() => (window as unknown as { avsplit: { display: string } }).avsplit.display === "camera", null, { timeout: 5000 });
  await encodeMore(page, 40, "camera frames after switching back");

  const [caller, cc] = await call.hangup();
  expect(caller.code, caller.logs).toBe(0);
  expect(cc.code, cc.logs).toBe(0);
  expect(auditedSources(fx.h.dataDir, call.sessionId)).toEqual(["image", "camera"]);
  const packets = await capture.stop();
  expect(packets.length).toBeGreaterThan(100);

  const image = imageColour(DEFAULT_IMAGE);
  const frames = frameColours(annexB(packets), work.path);
  const isImage = frames.map((c) => colourDistance(c, image) < 30);
  const summary = `image ${image}; frames ${frames.map((c, i) => `${isImage[i] ? "I" : "c"}${c}`).join(" ")}`;
  expect(frames.length, summary).toBeGreaterThan(60);
  // camera ... image (a run of frames) ... camera
  const firstImage = isImage.indexOf(true);
  const lastImage = isImage.lastIndexOf(true);
  expect(firstImage, summary).toBeGreaterThan(20);
  expect(lastImage, summary).toBeLessThan(frames.length - 20);
  expect(isImage.slice(firstImage, lastImage + 1).filter(Boolean).length, summary).toBeGreaterThanOrEqual(8);
  expect(isImage.slice(0, firstImage).every((x) => !x) && isImage.slice(lastImage + 1).every((x) => !x), summary).toBe(true);
}, 30_000);
