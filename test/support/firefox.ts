/**
 * Headless Firefox (Debian's firefox-esr, driven over WebDriver BiDi by puppeteer-core: Playwright drives only its
 * own patched Firefox build) for the widget's cross-browser tests: fake camera, no permission prompts, loopback ICE
 * candidates, self-signed HTTPS accepted.
 */
import { existsSync } from "node:fs";
import puppeteer, { type Browser, type Page } from "puppeteer-core";

export const FIREFOX_PATH = process.env.AVSPLIT_FIREFOX ?? "/usr/bin/firefox-esr";

export function haveFirefox(): boolean {
  return existsSync(FIREFOX_PATH);
}

export interface FirefoxSession {
  readonly page: Page;
  /** Closes the browser (puppeteer removes its temporary profile); safe to call twice. */
  close(): Promise<void>;
}

export async function launchFirefox(): Promise<FirefoxSession> {
  const browser: Browser = await puppeteer.launch({
    browser: "firefox",
    executablePath: FIREFOX_PATH,
    headless: true,
    acceptInsecureCerts: true,
    timeout: 30_000,
    extraPrefsFirefox: {
      "media.navigator.streams.fake": true,
      "media.navigator.permission.disabled": true,
      "media.peerconnection.ice.loopback": true,
      "media.autoplay.default": 0,
    },
  });
  const page = (await browser.pages())[0] ?? await browser.newPage();
  let closed = false;
  return {
    page,
    async close() {
      if (closed) return;
      closed = true;
      await browser.close().catch(() => undefined);
    },
  };
}
