/**
 * Quality overlay and the widget's clear messages: during a video call the overlay shows the caller's resolution,
 * frame rate, bitrate and loss (received) and ours (sent); a voice-only caller gets the audio-call hint; a video
 * caller whose phone sends no video gets the "no video from the caller" message. The en strings replace zh-CN.
 */
import { expect, test } from "bun:test";
import { pollUntil } from "../../support/poll.ts";
import { openWidget, startCall, textOf } from "./widget-call.ts";
import { splitBrowserFixture, videoCounters } from "../../support/split-browser.ts";

const fx = splitBrowserFixture();

test("the overlay shows resolution, frame rate, bitrate and loss both ways during a video call", async () => {
  const page = fx.browser.page;
  await openWidget(page, fx.h);
  const call = await startCall(fx.h, fx.scenarios.dir, page);
  await pollUntil(() => videoCounters(page), (c) => c.framesDecoded > 10, 15_000, "the caller's video");
  const overlay = await pollUntil(
    () => textOf(page, "quality"),
    (t) => /^收 352×288 \d+ fps \d+ kbit\/s 丢包 [\d.]+%$/m.test(t) && /^发 \d+×\d+ \d+ fps \d+ kbit\/s/m.test(t),
    8000, "the quality overlay",
  );
  const received = /^收 352×288 (\d+) fps (\d+) kbit\/s/m.exec(overlay)!;
  expect(Number(received[1])).toBeGreaterThan(5);
  expect(Number(received[2])).toBeGreaterThan(50);
  expect(/^发 \d+×\d+ \d+ fps (\d+) kbit\/s/m.exec(overlay)![1]).not.toBe("0");
  const [caller, cc] = await call.hangup();
  expect(caller.code, caller.logs).toBe(0);
  expect(cc.code, cc.logs).toBe(0);
  await pollUntil(() => textOf(page, "quality"), (t) => t === "", 5000, "the overlay cleared after the call");
}, 30_000);

test("a voice-only caller: the widget says it is an audio call and offers the video request, in English", async () => {
  const page = fx.browser.page;
  await openWidget(page, fx.h, "&lang=en");
  expect(await textOf(page, "hangup")).toBe("Hang up");
  const call = await startCall(fx.h, fx.scenarios.dir, page, "uac_audio_until_bye.xml");
  await pollUntil(() => textOf(page, "status"), (s) => s === "Audio call", 8000, "the audio-call status");
  expect(await textOf(page, "notice")).toContain("audio-only call");
  expect(await page.isEnabled('[data-avsplit="video-on"]')).toBe(true);
  expect(await page.isEnabled('[data-avsplit="screenshot"]')).toBe(false);
  const [caller, cc] = await call.hangup();
  expect(caller.code, caller.logs).toBe(0);
  expect(cc.code, cc.logs).toBe(0);
}, 30_000);

test("a video caller whose phone sends no video: the agent is told the caller's network or phone cannot do video", async () => {
  const page = fx.browser.page;
  await openWidget(page, fx.h);
  const call = await startCall(fx.h, fx.scenarios.dir, page, "uac_av_no_video_until_bye.xml");
  await pollUntil(() => textOf(page, "status"), (s) => s === "视频通话中", 8000, "the video-call status");
  await pollUntil(() => textOf(page, "notice"), (s) => s.includes("未收到主叫视频"), 12_000, "the no-video message");
  expect((await videoCounters(page)).framesDecoded).toBe(0);
  const [caller, cc] = await call.hangup();
  expect(caller.code, caller.logs).toBe(0);
  expect(cc.code, cc.logs).toBe(0);
}, 30_000);

test("the video leg cannot connect (no ICE candidates get through): the agent is told the video connection failed", async () => {
  await fx.browser.page.goto("about:blank"); // one widget for the agent: this test's page
  const page = await fx.browser.context.newPage();
  try {
    // Fault injection at the browser's edge: every ICE candidate is dropped from the offer the widget sends and from
    // the answer it gets, as if a firewall ate the media path; signalling itself still works.
    await page.addInitScript(() => {
      const strip = (sdp: string) => sdp.split("\r\n").filter((l) => !l.startsWith("a=candidate")).join("\r\n");
      const send = WebSocket.prototype.send;
      WebSocket.prototype.send = function (data) {
        if (typeof data === "string" && data.includes('"join"')) {
          const msg = JSON.parse(data);
          data = JSON.stringify({ ...msg, sdp: strip(msg.sdp) });
        }
        return send.call(this, data);
      };
      const proto = RTCPeerConnection.prototype as unknown as { setRemoteDescription(d: RTCSessionDescriptionInit): Promise<void> };
      const setRemote = proto.setRemoteDescription;
      proto.setRemoteDescription = function (desc) {
        return setRemote.call(this, { type: desc.type, sdp: strip(desc.sdp ?? "") });
      };
    });
    await openWidget(page, fx.h);
    // The widget's "video-failed" errors, each with the notice the agent UI showed for it (its listener runs first),
    // recorded as they happen.
    await page.evaluate(() => {
      const w = window as unknown as { avsplit: EventTarget; videoFailures: { message: string; notice: string }[]; sessionsAfterFailure: number };
      w.videoFailures = [];
      w.sessionsAfterFailure = 0;
      w.avsplit.addEventListener("session", () => {
        if (w.videoFailures.length) w.sessionsAfterFailure++;
      });
      w.avsplit.addEventListener("error", (e) => {
        const { code, message } = (e as CustomEvent<{ code: string; message: string }>).detail;
        const notice = document.querySelector('[data-avsplit="notice"]')?.textContent ?? "";
        if (code === "video-failed") w.videoFailures.push({ message, notice });
      });
    });
    const call = await startCall(fx.h, fx.scenarios.dir, page);
    await pollUntil(() => textOf(page, "status"), (s) => s === "视频通话中", 8000, "the video-call status");
    // The widget gives a join 10 s (CONNECT_TIMEOUT_MS) after it started it; under load that start comes late.
    const [failure] = await pollUntil(
      () => page.evaluate(() => (window as unknown as { videoFailures: { message: string; notice: string }[] }).videoFailures),
      (f) => f.length > 0, 30_000, "the widget's video-failed error",
    );
    expect(failure!.notice).toContain("视频连接失败");
    // The appliance's own leg times out ~0.1 s later and sends the session again: the warning must survive that.
    await pollUntil(() => page.evaluate(() => (window as unknown as { sessionsAfterFailure: number }).sessionsAfterFailure), (n) => n > 0, 10_000, "the session sent again");
    expect(await textOf(page, "notice")).toContain("视频连接失败");
    expect(failure!.message).toMatch(/did not come up within 10 s|the video connection failed/);
    expect((await videoCounters(page)).framesDecoded).toBe(0);
    const [caller, cc] = await call.hangup();
    expect(caller.code, caller.logs).toBe(0);
    expect(cc.code, cc.logs).toBe(0);
  } finally {
    await page.close();
  }
}, 60_000);
