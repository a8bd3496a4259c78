/**
 * An agent desktop of another origin embeds the widget, as integrators deploy it: a real page served from
 * http://127.0.0.2 (listed in `[http] embed_origins`) imports the ES module from the appliance and places
 * <avsplit-agent>, or frames /agent/; a page of an unlisted origin (http://127.0.0.3) can do neither, nor open the
 * agent socket.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { Frame, Page } from "playwright-core";
import { freeTcpPort } from "../../support/free-port.ts";
import { pollUntil } from "../../support/poll.ts";
import { splitBrowserFixture } from "../../support/split-browser.ts";
import { AGENT, startCall } from "./widget-call.ts";

const DESKTOP = { host: "127.0.0.2", port: await freeTcpPort() };
const FOREIGN = { host: "127.0.0.3", port: await freeTcpPort() };
const DESKTOP_ORIGIN = `http://${DESKTOP.host}:${DESKTOP.port}`;

const fx = splitBrowserFixture([], { httpExtra: [`embed_origins = ["${DESKTOP_ORIGIN}"]`] });
const appliance = () => `https://127.0.0.1:${fx.h.httpsPort}`;

/** The desktop's pages: /element.html (ES module + custom element), /iframe.html (the iframe form), /socket.html (a bare socket). */
function desktopPage(path: string): string {
  const widgetUrl = `${appliance()}/agent/?agent=${AGENT.id}#token=${AGENT.token}`;
  switch (path) {
    case "/element.html":
      return `<!DOCTYPE html><title>CAD</title>
<avsplit-agent agent="${AGENT.id}" token="${AGENT.token}" lang="en"></avsplit-agent>
<script type="module">
  window.seen = [];
  window.addEventListener("error", (e) => window.seen.push({ type: "page-error", detail: String(e.message) }));
  import("${appliance()}/agent/avsplit-agent.js").then(() => {
    const el = document.querySelector("avsplit-agent");
    for (const type of ["connection", "session-bound", "video-started", "screenshot", "session-ended", "error"]) {
      el.addEventListener(type, (e) => window.seen.push({ type, detail: e.detail }));
    }
    window.agentEl = el;
  }, (err) => window.seen.push({ type: "import-failed", detail: String(err) }));
</script>`;
    case "/iframe.html":
      return `<!DOCTYPE html><title>CAD</title><iframe allow="camera; microphone; display-capture" width="800" height="600" src="${widgetUrl}"></iframe>`;
    case "/socket.html":
      return `<!DOCTYPE html><title>CAD</title><script>
  window.socket = new Promise((resolve) => {
    const ws = new WebSocket("${appliance().replace("https", "wss")}/agent/ws");
    ws.onopen = () => resolve("open");
    ws.onerror = () => resolve("refused");
  });
</script>`;
    default:
      return "";
  }
}

const servers: ReturnType<typeof Bun.serve>[] = [];
beforeAll(() => {
  for (const { host, port } of [DESKTOP, FOREIGN]) {
    servers.push(Bun.serve({
      hostname: host, port,
      fetch: (req) => {
        const body = desktopPage(new URL(req.url).pathname);
        return new Response(body || "not found", { status: body ? 200 : 404, headers: { "content-type": "text/html" } });
      },
    }));
  }
});
afterAll(() => { for (const s of servers) s.stop(true); });

type Seen = { type: string; detail: Record<string, unknown> }[];
const seen = (page: Page) => page.evaluate(() => (window as unknown as { seen: Seen }).seen);
const waitFor = (page: Page, type: string) => pollUntil(() => seen(page), (s) => s.some((e) => e.type === type), 15_000, `the ${type} event`);

test("a listed desktop origin imports the SDK, connects, receives the caller's video and stores a screenshot over CORS", async () => {
  const page = fx.browser.page;
  await page.goto(`${DESKTOP_ORIGIN}/element.html`);
  await pollUntil(() => seen(page), (s) => s.some((e) => e.type === "connection" && e.detail.state === "open"), 10_000, "the widget to connect");

  const call = await startCall(fx.h, fx.scenarios.dir, page);
  await waitFor(page, "video-started");
  await pollUntil(() => page.evaluate(() => (document.querySelector('[data-avsplit="caller-video"]') as HTMLVideoElement).videoWidth), (w) => w === 352, 10_000, "the caller's frames");
  const shot = await page.evaluate(() => (window as unknown as { agentEl: { widget: { screenshot(): Promise<Record<string, unknown>> } } }).agentEl.widget.screenshot());
  expect(shot).toMatchObject({ width: 352, height: 288, kind: "screenshot" });

  const [caller, cc] = await call.hangup();
  expect(caller.code, caller.logs).toBe(0);
  expect(cc.code, cc.logs).toBe(0);
  expect((await seen(page)).filter((e) => e.type === "error" || e.type === "page-error")).toEqual([]);
}, 40_000);

test("a listed desktop origin frames /agent/ and the framed widget takes the call", async () => {
  const page = fx.browser.page;
  await page.goto(`${DESKTOP_ORIGIN}/iframe.html`);
  const frame = (await pollUntil(async () => page.frames().find((f) => f.url().startsWith(appliance())), (f) => f !== undefined, 10_000, "the widget frame")) as Frame;
  await pollUntil(() => frame.evaluate(() => document.querySelector('[data-avsplit="agent"]')?.textContent), (s) => s === AGENT.id, 10_000, "the framed widget to connect");

  const call = await startCall(fx.h, fx.scenarios.dir, page);
  await pollUntil(() => frame.evaluate(() => (document.querySelector('[data-avsplit="caller-video"]') as HTMLVideoElement).videoWidth), (w) => w === 352, 15_000, "the caller's frames in the frame");
  await frame.click('[data-avsplit="hangup"]');
  const [caller, cc] = await call.done;
  expect(caller.code, caller.logs).toBe(0);
  expect(cc.code, cc.logs).toBe(0);
}, 40_000);

test("an unlisted origin can neither import the SDK, nor frame the widget, nor open the agent socket", async () => {
  const page = fx.browser.page;
  const foreign = `http://${FOREIGN.host}:${FOREIGN.port}`;
  await page.goto(`${foreign}/element.html`);
  const failed = await waitFor(page, "import-failed");
  expect(failed.some((e) => e.type === "connection")).toBe(false);

  await page.goto(`${foreign}/socket.html`);
  expect(await page.evaluate(() => (window as unknown as { socket: Promise<string> }).socket)).toBe("refused");
  await page.goto(`${DESKTOP_ORIGIN}/socket.html`);
  expect(await page.evaluate(() => (window as unknown as { socket: Promise<string> }).socket)).toBe("open");

  await page.goto(`${foreign}/iframe.html`);
  // frame-ancestors: Chromium replaces the refused document with its error page.
  const settled = await pollUntil(async () => page.frames().find((f) => f !== page.mainFrame())?.url() ?? "", (u) => u.startsWith(appliance()) || u.startsWith("chrome-error:"), 10_000, "the frame to load or be refused");
  expect(settled).toBe("chrome-error://chromewebdata/");
}, 30_000);
