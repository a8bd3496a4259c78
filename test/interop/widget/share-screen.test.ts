/**
 * Feature (f): the agent shares the screen with the caller in place of the camera, then stops and the camera comes
 * back. Chromium's fake capture UI auto-accepts getDisplayMedia (a 16:9 fake screen). Observed at the caller: the
 * decoded H.264 sent to the caller's video port goes 4:3 camera frames -> 16:9 screen frames -> 4:3 again.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { Page } from "playwright-core";
import { pollUntil } from "../../support/poll.ts";
import { tempDir } from "../../support/temp-dir.ts";
import { annexB, captureUdpTo, frameSizes } from "./caller-video-capture.ts";
import { auditedSources, openWidget, startCall } from "./widget-call.ts";
import { splitBrowserFixture, videoCounters } from "../../support/split-browser.ts";

let work: { path: string; cleanup(): void };

const fx = splitBrowserFixture(["--auto-select-desktop-capture-source=Entire screen"]);

beforeAll(async () => {
  work = tempDir("avsplit-share-");
});

afterAll(async () => {
  work?.cleanup();
});

const outgoingLabel = (page: Page) => page.evaluate(() => (window as unknown as { avsplit: { sender: RTCRtpSender | null } }).avsplit.sender?.track?.label ?? "");

async function encodeMore(page: Page, more: number, what: string) {
  const from = (await videoCounters(page)).framesEncoded;
  await pollUntil(() => videoCounters(page), (c) => c.framesEncoded >= from + more, 8000, what);
}

test("share screen: the caller receives the screen instead of the camera; stop brings the camera back", async () => {
  const page = fx.browser.page;
  await openWidget(page, fx.h);
  const capture = await captureUdpTo(fx.h.callerMediaPort + 2, work.path);
  const call = await startCall(fx.h, fx.scenarios.dir, page);
  await pollUntil(() => videoCounters(page), (c) => c.framesEncoded > 0, 10_000, "the widget to send its camera");
  const cameraLabel = await outgoingLabel(page);
  await encodeMore(page, 30, "camera frames");

  await page.click('[data-avsplit="share"]');
  await pollUntil(() => outgoingLabel(page), (l) => l.startsWith("screen:"), 5000, "the screen track on the sender");
  expect(await page.textContent('[data-avsplit="share"]')).toBe("停止共享");
  await encodeMore(page, 30, "screen frames");

  await page.click('[data-avsplit="share"]');
  await pollUntil(() => outgoingLabel(page), (l) => l === cameraLabel, 5000, "the camera track back on the sender");
  await encodeMore(page, 30, "camera frames after sharing");

  const [caller, cc] = await call.hangup();
  expect(caller.code, caller.logs).toBe(0);
  expect(cc.code, cc.logs).toBe(0);
  expect(auditedSources(fx.h.dataDir, call.sessionId)).toEqual(["screen", "camera"]);
  const sizes = frameSizes(annexB(await capture.stop()), work.path);
  const wide = sizes.map((s) => {
    const [w, hgt] = s.split("x").map(Number);
    return w / hgt > 1.5;
  });
  const summary = sizes.join(" ");
  const first = wide.indexOf(true);
  const last = wide.lastIndexOf(true);
  expect(sizes.length, summary).toBeGreaterThan(60);
  expect(sizes[0], summary).toBe("640x480");
  expect(first, summary).toBeGreaterThan(15);
  expect(wide.slice(first, last + 1).filter(Boolean).length, summary).toBeGreaterThanOrEqual(15);
  expect(sizes.at(-1), summary).toBe("640x480");
  expect(last, summary).toBeLessThan(sizes.length - 15);
}, 30_000);

test("a screen still shared when the call ends is stopped, so it cannot reach the next caller", async () => {
  const page = fx.browser.page;
  await openWidget(page, fx.h);
  const call = await startCall(fx.h, fx.scenarios.dir, page);
  await pollUntil(() => videoCounters(page), (c) => c.framesEncoded > 0, 10_000, "the widget to send its camera");
  await page.click('[data-avsplit="share"]');
  await pollUntil(() => outgoingLabel(page), (l) => l.startsWith("screen:"), 5000, "the screen track on the sender");
  const screenTrack = await page.evaluateHandle(() => (window as unknown as { avsplit: { screen: MediaStream } }).avsplit.screen.getVideoTracks()[0]);
  const [caller, cc] = await call.hangup();
  expect(caller.code, caller.logs).toBe(0);
  expect(cc.code, cc.logs).toBe(0);
  await page.waitForFunction((t) => t.readyState === "ended", screenTrack, { timeout: 5000 });
  expect(await page.evaluate(() => (window as unknown as { avsplit: { screen: MediaStream | null } }).avsplit.screen)).toBeNull();
  expect(await page.textContent('[data-avsplit="share"]')).toBe("共享屏幕");
}, 30_000);
