/**
 * The usual interop setup of the split's browser tests: an in-process appliance (split-harness), a private copy of
 * the sipp scenarios and a headless Chromium, made before the file's tests and closed after them.
 */
import { afterAll, beforeAll } from "bun:test";
import { scenarioDir } from "../interop/sip/sipp.ts";
import { launchChromium, type ChromiumSession } from "./chromium.ts";
import { startSplitHarness, type SplitHarness } from "./split-harness.ts";

export interface SplitBrowser {
  h: SplitHarness;
  browser: ChromiumSession;
  scenarios: { dir: string; cleanup(): void };
}

/** Registers the hooks; the fields are set once beforeAll ran. The widget is served over a self-signed certificate. */
export function splitBrowserFixture(chromiumArgs: string[] = []): SplitBrowser {
  const fx = {} as SplitBrowser;
  beforeAll(async () => {
    fx.h = await startSplitHarness();
    fx.scenarios = scenarioDir();
    fx.browser = await launchChromium({ args: ["--ignore-certificate-errors", ...chromiumArgs] });
  }, 30_000);
  afterAll(async () => {
    await fx.browser?.close();
    await fx.h?.stop();
    fx.scenarios?.cleanup();
  });
  return fx;
}
