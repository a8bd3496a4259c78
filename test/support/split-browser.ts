/**
 * The usual interop setup of the split's browser tests: an in-process appliance (split-harness), a private copy of
 * the sipp scenarios and a headless Chromium, made before the file's tests and closed after them.
 */
import { afterAll, beforeAll } from "bun:test";
import type { Page } from "playwright-core";
import { launchChromium, type ChromiumSession } from "./chromium.ts";
import { splitFixture, type SplitFixture, type SplitHarnessOptions } from "./split-harness.ts";

export interface SplitBrowser extends SplitFixture {
  browser: ChromiumSession;
}

/** Registers the hooks; the fields are set once beforeAll ran. The widget is served over a self-signed certificate. */
export function splitBrowserFixture(chromiumArgs: string[] = [], harness: SplitHarnessOptions = {}): SplitBrowser {
  // Hooks run in the order registered: the browser closes before the appliance stops (its open agent sockets would hold the stop).
  beforeAll(async () => {
    fx.browser = await launchChromium({ args: ["--ignore-certificate-errors", ...chromiumArgs] });
  }, 30_000);
  afterAll(() => fx.browser?.close());
  const fx = splitFixture<SplitBrowser>(harness);
  return fx;
}

/** The widget's inbound (caller) and outbound (agent) video counters. */
export function videoCounters(page: Page) {
  return page.evaluate(async () => {
    const pc = (window as unknown as { avsplit: { pc: RTCPeerConnection | null } }).avsplit.pc;
    const out = { framesDecoded: 0, width: 0, height: 0, packetsSent: 0, framesEncoded: 0 };
    if (!pc) return out;
    (await pc.getStats()).forEach((r) => {
      if (r.type === "inbound-rtp" && r.kind === "video") Object.assign(out, { framesDecoded: r.framesDecoded ?? 0, width: r.frameWidth ?? 0, height: r.frameHeight ?? 0 });
      if (r.type === "outbound-rtp" && r.kind === "video") Object.assign(out, { packetsSent: r.packetsSent ?? 0, framesEncoded: r.framesEncoded ?? 0 });
    });
    return out;
  });
}
