/**
 * The agent widget's WebRTC part, reduced to what the leg tests need: in a page, open a video-only
 * sendrecv RTCPeerConnection with the fake camera (window.pc), offer with all candidates, accept the
 * answer, and show the caller's video in <video data-avsplit="caller-video">.
 */
import { afterAll, beforeAll } from "bun:test";
import type { Page } from "playwright-core";
import { haveChromium, launchChromium, type ChromiumSession } from "../../../support/chromium.ts";

const PAGE_HTML = `<!doctype html><html><body>
<video data-avsplit="caller-video" autoplay muted playsinline></video>
<video data-avsplit="agent-video" autoplay muted playsinline></video>
</body></html>`;

/**
 * Serves the page from http://127.0.0.1:<free port>/ (getUserMedia needs a secure context; loopback
 * http is one, about:blank is not) and opens it. Returns the server's stop function.
 */
export async function openAgentPage(page: Page): Promise<() => void> {
  const server = Bun.serve({
    hostname: "127.0.0.1", port: 0,
    fetch: () => new Response(PAGE_HTML, { headers: { "content-type": "text/html" } }),
  });
  try {
    await page.goto(`http://127.0.0.1:${server.port}/`);
  } catch (err) {
    server.stop(true);
    throw err;
  }
  return () => server.stop(true);
}

/**
 * Registers hooks that launch headless Chromium with the agent page open before the file's tests and close both
 * after them (nothing when Chromium is missing); `page` is usable once beforeAll ran.
 */
export function agentPageFixture(): { readonly page: Page } {
  let chrome: ChromiumSession | undefined;
  let stopPageServer: (() => void) | undefined;
  beforeAll(async () => {
    if (!haveChromium()) return;
    chrome = await launchChromium();
    stopPageServer = await openAgentPage(chrome.page);
  });
  afterAll(async () => {
    stopPageServer?.();
    await chrome?.close();
  });
  return { get page() { return chrome!.page; } };
}

/** Creates window.pc with the camera on a sendrecv video transceiver; returns the complete offer SDP. */
export async function createAgentOffer(page: Page): Promise<string> {
  return page.evaluate(async () => {
    const w = window as unknown as { pc?: RTCPeerConnection };
    w.pc?.close();
    const camera = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480, frameRate: 15 } });
    const pc = new RTCPeerConnection({ bundlePolicy: "max-bundle", rtcpMuxPolicy: "require" });
    w.pc = pc;
    (document.querySelector('[data-avsplit="agent-video"]') as HTMLVideoElement).srcObject = camera;
    pc.addTransceiver(camera.getVideoTracks()[0]!, { direction: "sendrecv", streams: [camera] });
    pc.ontrack = (e) => {
      (document.querySelector('[data-avsplit="caller-video"]') as HTMLVideoElement).srcObject = new MediaStream([e.track]);
    };
    await pc.setLocalDescription();
    if (pc.iceGatheringState !== "complete") {
      await new Promise<void>((resolve) => {
        pc.addEventListener("icegatheringstatechange", () => { if (pc.iceGatheringState === "complete") resolve(); });
      });
    }
    return pc.localDescription!.sdp;
  });
}

export async function acceptAgentAnswer(page: Page, sdp: string): Promise<void> {
  await page.evaluate(async (answer) => {
    await (window as unknown as { pc: RTCPeerConnection }).pc.setRemoteDescription({ type: "answer", sdp: answer });
  }, sdp);
}

/** Resolves when window.pc reaches connectionState "connected" (rejects on "failed"). */
export async function agentConnected(page: Page): Promise<void> {
  await page.evaluate(() => new Promise<void>((resolve, reject) => {
    const pc = (window as unknown as { pc: RTCPeerConnection }).pc;
    const check = () => {
      if (pc.connectionState === "connected") resolve();
      else if (pc.connectionState === "failed") reject(new Error("browser connectionState failed"));
    };
    pc.addEventListener("connectionstatechange", check);
    check();
  }));
}

export async function closeAgentPeer(page: Page): Promise<void> {
  await page.evaluate(() => (window as unknown as { pc?: RTCPeerConnection }).pc?.close());
}
