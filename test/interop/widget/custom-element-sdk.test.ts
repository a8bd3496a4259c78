/**
 * The SDK as an integrator uses it: a host page (an agent desktop, here served at the appliance's origin as a
 * reverse proxy would) loads /agent/avsplit-agent.js, places <avsplit-agent agent token lang="en">, listens to
 * the documented events and drives the call through the documented commands.
 */
import { expect, test } from "bun:test";
import { pollUntil } from "../../support/poll.ts";
import { AGENT, startCall } from "./widget-call.ts";
import { splitBrowserFixture } from "../../support/split-browser.ts";

// The host page is fulfilled by Playwright (no address), so Chromium would treat it as public and block its
// requests to 127.0.0.1 (Local Network Access); a real desktop on the appliance's origin is not affected.
const fx = splitBrowserFixture(["--disable-features=LocalNetworkAccessChecks"]);

const HOST_PAGE = `<!DOCTYPE html><title>agent desktop</title>
<h1>CAD desktop</h1>
<avsplit-agent agent="${AGENT.id}" token="${AGENT.token}" lang="en"></avsplit-agent>
<script type="module">
  import "/agent/avsplit-agent.js";
  window.seen = [];
  const el = document.querySelector("avsplit-agent");
  for (const type of ["connection", "session-bound", "video-started", "video-stopped", "display", "screenshot", "session-ended", "notice", "error"]) {
    el.addEventListener(type, (e) => window.seen.push({ type, detail: e.detail }));
  }
  window.agentEl = el;
</script>`;

type Seen = { type: string; detail: Record<string, unknown> }[];
const seen = () => fx.browser.page.evaluate(() => (window as unknown as { seen: Seen }).seen);
const waitFor = (type: string) => pollUntil(seen, (s) => s.some((e) => e.type === type), 15_000, `the ${type} event`);

test("<avsplit-agent> emits session-bound / video-started / session-ended, obeys setDisplay, screenshot, hangup, and relabels on lang", async () => {
  const page = fx.browser.page;
  const hostUrl = `https://127.0.0.1:${fx.h.httpsPort}/desktop/host.html`;
  await page.route(hostUrl, (route) => route.fulfill({ status: 200, contentType: "text/html", body: HOST_PAGE }));
  await page.goto(hostUrl);
  await pollUntil(seen, (s) => s.some((e) => e.type === "connection" && e.detail.state === "open"), 10_000, "the widget to connect");
  expect(await page.textContent('avsplit-agent [data-avsplit="status"]'), JSON.stringify(await seen())).toBe("Waiting for a call");

  const call = await startCall(fx.h, fx.scenarios.dir, page);
  const bound = (await waitFor("session-bound")).find((e) => e.type === "session-bound")!;
  expect(bound.detail).toMatchObject({ id: call.sessionId, kind: "video", callerNumber: "+33600000001" });
  await waitFor("video-started");
  // Recording mode "all" (the default) records every call: no record button.
  expect(await page.isHidden('avsplit-agent [data-avsplit="record"]')).toBe(true);
  await pollUntil(() => page.evaluate(() => (document.querySelector('[data-avsplit="caller-video"]') as HTMLVideoElement).videoWidth), (w) => w === 352, 10_000, "the caller's frames");

  await page.evaluate(() => (window as unknown as { agentEl: { widget: { setDisplay(m: string): Promise<void> } } }).agentEl.widget.setDisplay("image"));
  expect((await seen()).find((e) => e.type === "display")?.detail).toEqual({ mode: "image" });
  const shot = await page.evaluate(() => (window as unknown as { agentEl: { widget: { screenshot(): Promise<Record<string, unknown>> } } }).agentEl.widget.screenshot());
  expect(shot).toMatchObject({ width: 352, height: 288, kind: "screenshot" });

  await page.evaluate(() => (window as unknown as { agentEl: { widget: { hangup(): void } } }).agentEl.widget.hangup());
  const events = await waitFor("session-ended");
  expect(events.find((e) => e.type === "session-ended")!.detail).toMatchObject({ sessionId: call.sessionId });
  expect(events.some((e) => e.type === "video-stopped")).toBe(true);
  expect(events.filter((e) => e.type === "error")).toEqual([]);
  const [caller, cc] = await call.done;
  expect(caller.code, caller.logs).toBe(0);
  expect(cc.code, cc.logs).toBe(0);

  await page.evaluate(() => document.querySelector("avsplit-agent")!.setAttribute("lang", "zh-CN"));
  expect(await page.textContent('avsplit-agent [data-avsplit="status"]')).toBe("等待来电");
  expect(await page.textContent('avsplit-agent [data-avsplit="hangup"]')).toBe("挂断");
}, 60_000);
