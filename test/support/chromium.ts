/**
 * Headless Chromium (system /usr/bin/chromium via playwright-core) for WebRTC interop tests: fake camera,
 * loopback allowed for peer connections, a fresh user-data-dir per launch, and getStats() readers.
 */
import { existsSync } from "node:fs";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { tempDir } from "./temp-dir.ts";

export const CHROMIUM_PATH = process.env.AVSPLIT_CHROMIUM ?? "/usr/bin/chromium";

export function haveChromium(): boolean {
  return existsSync(CHROMIUM_PATH);
}

export const CHROMIUM_ARGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
  "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream", "--allow-loopback-in-peer-connection",
];

export interface ChromiumSession {
  readonly context: BrowserContext;
  readonly page: Page;
  /** Closes the browser and removes its profile folder; safe to call twice. */
  close(): Promise<void>;
}

export async function launchChromium(opts: { args?: string[]; timeoutMs?: number } = {}): Promise<ChromiumSession> {
  const profile = tempDir("avsplit-chromium-");
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile.path, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: [...CHROMIUM_ARGS, ...(opts.args ?? [])],
      timeout: opts.timeoutMs ?? 15_000,
    });
  } catch (err) {
    profile.cleanup();
    throw err;
  }
  const page = context.pages()[0] ?? await context.newPage();
  let closed = false;
  return {
    context, page,
    async close() {
      if (closed) return;
      closed = true;
      await context.close().catch(() => undefined);
      profile.cleanup();
    },
  };
}

export interface InboundVideoStats {
  packetsReceived: number;
  bytesReceived: number;
  framesDecoded: number;
  frameWidth: number;
  frameHeight: number;
  keyFramesDecoded: number;
  pliCount: number;
  firCount: number;
  codec: string;
}

export interface OutboundVideoStats {
  packetsSent: number;
  /** The encoder's current target (bit/s). */
  targetBitrate: number;
  framesEncoded: number;
  keyFramesEncoded: number;
  pliCount: number;
  firCount: number;
  frameWidth: number;
  frameHeight: number;
  codec: string;
}

/** getStats() of the RTCPeerConnection stored at `window[pcVar]`: the first inbound video RTP stream (zeros before any). */
export async function readInboundVideoStats(page: Page, pcVar = "pc"): Promise<InboundVideoStats> {
  return page.evaluate(async (name) => {
    const pc = (window as unknown as Record<string, RTCPeerConnection>)[name]!;
    const report = await pc.getStats();
    const out = {
      packetsReceived: 0, bytesReceived: 0, framesDecoded: 0, frameWidth: 0, frameHeight: 0, keyFramesDecoded: 0,
      pliCount: 0, firCount: 0, codec: "",
    };
    report.forEach((s) => {
      if (s.type !== "inbound-rtp" || s.kind !== "video") return;
      for (const k of Object.keys(out) as (keyof typeof out)[]) if (k !== "codec" && typeof s[k] === "number") (out[k] as number) = s[k];
      const codec = s.codecId ? (report as unknown as Map<string, any>).get(s.codecId) : undefined;
      out.codec = codec ? `${codec.mimeType} ${codec.payloadType} ${codec.sdpFmtpLine ?? ""}`.trim() : "";
    });
    return out;
  }, pcVar);
}

/** getStats() of `window[pcVar]`: the first outbound video RTP stream. */
export async function readOutboundVideoStats(page: Page, pcVar = "pc"): Promise<OutboundVideoStats> {
  return page.evaluate(async (name) => {
    const pc = (window as unknown as Record<string, RTCPeerConnection>)[name]!;
    const report = await pc.getStats();
    const out = {
      packetsSent: 0, targetBitrate: 0, framesEncoded: 0, keyFramesEncoded: 0, pliCount: 0, firCount: 0, frameWidth: 0, frameHeight: 0, codec: "",
    };
    report.forEach((s) => {
      if (s.type !== "outbound-rtp" || s.kind !== "video") return;
      for (const k of Object.keys(out) as (keyof typeof out)[]) if (k !== "codec" && typeof s[k] === "number") (out[k] as number) = s[k];
      const codec = s.codecId ? (report as unknown as Map<string, any>).get(s.codecId) : undefined;
      out.codec = codec ? `${codec.mimeType} ${codec.payloadType} ${codec.sdpFmtpLine ?? ""}`.trim() : "";
    });
    return out;
  }, pcVar);
}

/** Polls `read` until `done` holds (getStats has no change event); rejects after `timeoutMs`. */
export async function waitForStats<T>(read: () => Promise<T>, done: (s: T) => boolean, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T = await read();
  while (!done(last)) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last: ${JSON.stringify(last)}`);
    await Bun.sleep(100);
    last = await read();
  }
  return last;
}
