/**
 * The configuration page in headless Chromium against a real appliance: a `callcenter` trunk added on the page takes
 * the next call (sipp caller -> avsplit -> the sipp call center the new trunk names), editing it moves the next call,
 * removing it sends calls back to the provisioned trunk; provisioned trunks are read-only; bad input is refused with
 * the field named. The HTTPS certificate upload: a mismatched key is refused, an accepted one is served after a restart.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { connect } from "node:tls";
import type { Page } from "playwright-core";
import selfsigned from "selfsigned";
import type { HttpServers } from "../../../src/http/server.ts";
import { launchChromium, type ChromiumSession } from "../../support/chromium.ts";
import { startSplitHarness, type SplitHarness } from "../../support/split-harness.ts";
import { freePorts, scenarioDir } from "../sip/sipp.ts";
import { callThrough, serveConsole, signInAt } from "./console-server.ts";

let h: SplitHarness;
let browser: ChromiumSession;
let scenarios: { dir: string; cleanup(): void };
let consoleUrl: string;
const servers: HttpServers[] = [];
const loaded = () => ({ config: h.appliance.config, source: "split-test.toml", provisioned: new Set(["node", "sip", "http", "trunk", "agent", "media"]) });

beforeAll(async () => {
  h = await startSplitHarness();
  scenarios = scenarioDir();
  const served = await serveConsole(h.appliance, loaded());
  consoleUrl = served.url;
  servers.push(served.servers);
  await served.users.add({ username: "admin", password: "admin-password-1", role: "admin" });
  browser = await launchChromium({ args: ["--ignore-certificate-errors"] });
  await signInAt(browser.page, consoleUrl, "admin", "admin-password-1");
});

afterAll(async () => {
  await browser?.close();
  for (const s of servers) await s.stop();
  await h?.stop();
  scenarios?.cleanup();
});

const alert = (page: Page) => page.locator("p.error[role=alert]").innerText();
const callCenterLegs = () => h.appliance.store.sqlite.query<{ remote: string }, []>("SELECT remote FROM legs WHERE kind = 'callcenter' ORDER BY started_at").all().map((r) => r.remote);
const auditTypes = (prefix: string) => [...h.appliance.audit.rows()].filter((r) => r.type.startsWith(prefix)).map((r) => ({ type: r.type, data: JSON.parse(r.data) }));

async function submitTrunk(page: Page, fields: Record<string, string>): Promise<void> {
  for (const [name, value] of Object.entries(fields)) {
    if (name === "role") await page.selectOption(`#trunk-form select[name="role"]`, value);
    else await page.fill(`#trunk-form input[name="${name}"]`, value);
  }
  await Promise.all([page.waitForLoadState("load"), page.click('#trunk-form button[type="submit"]')]);
}

async function sippCallCenter(): Promise<{ port: number; mediaPort: number; uri: string }> {
  const port = await freePorts(1);
  return { port, mediaPort: await freePorts(4), uri: `sip:110@127.0.0.1:${port}` };
}

test("a callcenter trunk added on the configuration page takes the next call; edit moves it, removal falls back", async () => {
  const page = browser.page;
  await page.goto(`${consoleUrl}/console/config`);
  const provisionedRow = page.locator('#trunks tr[data-trunk="voice-cc"]');
  expect(await provisionedRow.innerText()).toContain("只读");
  expect(await provisionedRow.locator("button, a").count()).toBe(0);

  const cc = await sippCallCenter();
  await submitTrunk(page, { name: "cc-console", role: "callcenter", uri: "http://127.0.0.1/", allow: "127.0.0.1/32", options_ping_s: "0" });
  expect(await alert(page)).toContain("uri: is not a SIP URI");
  await page.goto(`${consoleUrl}/console/config`);
  await submitTrunk(page, { name: "cc-console", role: "callcenter", uri: cc.uri, allow: "127.0.0.1/32, 300.1.2.3", options_ping_s: "0" });
  expect(await alert(page)).toContain("allow.1: is not an IP address or CIDR");
  await page.goto(`${consoleUrl}/console/config`);
  await submitTrunk(page, { name: "voice-cc", role: "callcenter", uri: cc.uri, allow: "127.0.0.1/32", options_ping_s: "0" });
  expect(await alert(page)).toContain('a trunk named "voice-cc" already exists');
  expect(h.appliance.trunks.consoleTrunks()).toEqual([]);

  await page.goto(`${consoleUrl}/console/config`);
  await submitTrunk(page, { name: "cc-console", role: "callcenter", uri: cc.uri, allow: "127.0.0.1/32", options_ping_s: "0" });
  expect(new URL(page.url()).pathname).toBe("/console/config");
  const row = page.locator('#trunks tr[data-trunk="cc-console"]');
  expect(await row.innerText()).toContain(cc.uri);
  expect(await row.innerText()).toContain("在控制台添加");

  await callThrough(h, scenarios.dir, { cc });
  expect(callCenterLegs().at(-1)).toBe(cc.uri);

  const moved = await sippCallCenter();
  await Promise.all([page.waitForURL(/edit=cc-console/), row.locator("a").click()]);
  expect(await page.locator('#trunk-form input[name="name"]').getAttribute("readonly")).not.toBeNull();
  await submitTrunk(page, { uri: moved.uri });
  expect(await page.locator('#trunks tr[data-trunk="cc-console"]').innerText()).toContain(moved.uri);
  await callThrough(h, scenarios.dir, { cc: moved });
  expect(callCenterLegs().at(-1)).toBe(moved.uri);

  await Promise.all([page.waitForLoadState("load"), page.locator('#trunks tr[data-trunk="cc-console"] button').click()]);
  expect(await page.locator('#trunks tr[data-trunk="cc-console"]').count()).toBe(0);
  await callThrough(h, scenarios.dir);
  expect(callCenterLegs().at(-1)).toBe(`sip:110@127.0.0.1:${h.ccPort}`);

  expect(auditTypes("config.trunk_").map((e) => [e.type, e.data.to?.uri ?? e.data.uri])).toEqual([
    ["config.trunk_added", cc.uri],
    ["config.trunk_updated", moved.uri],
    ["config.trunk_removed", moved.uri],
  ]);
}, 90_000);

async function servedFingerprint(url: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port), rejectUnauthorized: false }, () => {
      resolve(socket.getPeerX509Certificate()!.fingerprint256);
      socket.end();
    });
    socket.on("error", reject);
  });
}

async function uploadCertificate(page: Page, cert: string, key: string): Promise<void> {
  await page.goto(`${consoleUrl}/console/config`);
  await page.setInputFiles('#tls-form input[name="cert"]', { name: "cert.pem", mimeType: "application/x-pem-file", buffer: Buffer.from(cert) });
  await page.setInputFiles('#tls-form input[name="key"]', { name: "key.pem", mimeType: "application/x-pem-file", buffer: Buffer.from(key) });
  await Promise.all([page.waitForLoadState("load"), page.click('#tls-form button[type="submit"]')]);
}

test("an uploaded HTTPS certificate is checked, shown, audited and served after a restart; a mismatched key is refused", async () => {
  const page = browser.page;
  const mine = await selfsigned.generate([{ name: "commonName", value: "console-upload.test" }], { keySize: 2048, algorithm: "sha256" });
  const other = await selfsigned.generate([{ name: "commonName", value: "other.test" }], { keySize: 2048, algorithm: "sha256" });
  const before = await servedFingerprint(consoleUrl);

  await uploadCertificate(page, mine.cert, other.private);
  expect(await alert(page)).toContain("the private key does not match the certificate");
  expect(await page.locator("#tls-fingerprint").innerText()).toBe(before);

  await uploadCertificate(page, mine.cert, mine.private);
  expect(new URL(page.url()).pathname).toBe("/console/config");
  const fingerprint = await page.locator("#tls-fingerprint").innerText();
  expect(fingerprint).not.toBe(before);
  expect(await page.locator("#tls").innerText()).toContain("CN=console-upload.test");
  expect(auditTypes("config.tls_certificate").map((e) => e.data.sha256_fingerprint)).toEqual([fingerprint]);
  expect(await servedFingerprint(consoleUrl)).toBe(before); // the running listener keeps its certificate

  const restarted = await serveConsole(h.appliance, loaded());
  servers.push(restarted.servers);
  expect(await servedFingerprint(restarted.url)).toBe(fingerprint);
}, 60_000);
