/**
 * The console in headless Chromium against a real appliance: first-start setup then sign-in; role limits (agent:
 * no configuration; auditor: changes nothing); a real sipp call (caller with an XSS payload as From display-name ->
 * avsplit -> sipp call center) shows its SIP ladder and events; the evidence package and the audit export download,
 * verify with `avsplit audit verify`, and fail naming the altered or removed row.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { strFromU8, strToU8, unzipSync, zipSync } from "fflate";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import type { HttpServers } from "../../../src/http/server.ts";
import { launchChromium, type ChromiumSession } from "../../support/chromium.ts";
import { runCli } from "../../support/run-cli.ts";
import { splitScenario, startSplitHarness, type SplitHarness } from "../../support/split-harness.ts";
import { tempDir } from "../../support/temp-dir.ts";
import { scenarioDir } from "../sip/sipp.ts";
import { callThrough, serveConsole, SETUP_CODE, signInAt } from "./console-server.ts";

const XSS = "<script>window.__xss=1</script><img src=x onerror=window.__xss=2>";
const ADMIN_PASSWORD = "correct horse battery";

let h: SplitHarness;
let browser: ChromiumSession;
let scenarios: { dir: string; cleanup(): void };
let consoleUrl: string;
let servers: HttpServers;
let users: Awaited<ReturnType<typeof serveConsole>>["users"];
const downloads = tempDir("avsplit-console-dl-");
let sessionId: string;

beforeAll(async () => {
  h = await startSplitHarness();
  scenarios = scenarioDir();
  const provisioned = new Set(["node", "sip", "http", "trunk", "agent", "media.rtp_ports", "media.bind_address", "media.media_timeout_s"]);
  ({ url: consoleUrl, servers, users } = await serveConsole(h.appliance, { config: h.appliance.config, source: "split-test.toml", provisioned }));
  browser = await launchChromium({ args: ["--ignore-certificate-errors"] });
});

afterAll(async () => {
  await browser?.close();
  await servers?.stop();
  await h?.stop();
  scenarios?.cleanup();
  downloads.cleanup();
});

const signIn = (page: Page, username: string, password: string) => signInAt(page, consoleUrl, username, password);

async function signOut(page: Page) {
  await Promise.all([page.waitForURL(/\/login/), page.click("header form button")]);
}

/** A real call: sipp caller (display-name = XSS payload) -> avsplit -> sipp call center that answers naming 1001 and hangs up. */
async function runRealCall(): Promise<string> {
  const callerXml = splitScenario(scenarios.dir, "uac_av_media_until_bye.xml");
  writeFileSync(callerXml, readFileSync(callerXml, "utf8").replaceAll('"VoLTE caller"', `"${XSS}"`));
  return callThrough(h, scenarios.dir, { callerXml });
}

test("first start: the setup page creates the administrator, who then signs in", async () => {
  const page = browser.page;
  await page.goto(consoleUrl);
  expect(new URL(page.url()).pathname).toBe("/setup");
  await page.fill('input[name="code"]', SETUP_CODE);
  await page.fill('input[name="password"]', ADMIN_PASSWORD);
  await page.fill('input[name="password2"]', ADMIN_PASSWORD);
  await Promise.all([page.waitForURL(`${consoleUrl}/console/`), page.click('button[type="submit"]')]);
  await signOut(page);
  await signIn(page, "admin", ADMIN_PASSWORD);
  expect(new URL(page.url()).pathname).toBe("/console/");
  expect(await page.locator("header nav").innerText()).toContain("配置");
  await users.add({ username: "agent1", password: "agent1-password", role: "agent", agentId: "1001" });
  await users.add({ username: "auditor1", password: "auditor1-password", role: "auditor" });
}, 30_000);

test("a real call's detail page shows its SIP ladder and events; the caller's XSS display-name is only text", async () => {
  sessionId = await runRealCall();
  const page = browser.page;
  await page.goto(`${consoleUrl}/console/sessions`);
  await Promise.all([page.waitForURL(/\/console\/sessions\/.+/), page.click(`a[href="/console/sessions/${sessionId}"]`)]);
  const arrows = await page.locator("svg g.sip-msg text:first-child").evaluateAll((ts) => ts.map((t) => t.textContent ?? ""));
  expect(arrows.some((a) => a.startsWith("INVITE sip:110@"))).toBe(true);
  expect(arrows.filter((a) => a === "200 OK").length).toBeGreaterThanOrEqual(2);
  expect(arrows.some((a) => a.startsWith("BYE"))).toBe(true);
  const callIds = new Set(await page.locator("svg g.sip-msg").evaluateAll((gs) => gs.map((g) => g.getAttribute("data-call-id"))));
  expect(callIds.size).toBe(2); // caller leg and call-center leg
  const timeline = await page.locator("#timeline tbody").innerText();
  for (const type of ["session.created", "leg.started", "session.bound", "leg.ended", "session.ended"]) expect(timeline).toContain(type);
  expect(await page.locator("#caller").innerText()).toContain(XSS);
  expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
  expect(await page.locator("#caller script, #caller img").count()).toBe(0);
}, 60_000);

test("agent role cannot open configuration; the auditor can read but change nothing", async () => {
  const page = browser.page;
  await signOut(page);
  await signIn(page, "agent1", "agent1-password");
  expect(new URL(page.url()).pathname).toBe("/agent/");
  const res = await page.goto(`${consoleUrl}/console/config`);
  expect(res!.status()).toBe(403);

  await page.goto(`${consoleUrl}/login`);
  await page.context().clearCookies();
  await signIn(page, "auditor1", "auditor1-password");
  expect((await page.goto(`${consoleUrl}/console/config`))!.status()).toBe(403);
  expect((await page.goto(`${consoleUrl}/console/sessions/${sessionId}`))!.status()).toBe(200);
  const statuses = await page.evaluate(async () => {
    const token = (document.querySelector('input[name="_csrf"]') as HTMLInputElement).value;
    const post = (url: string, body: Record<string, string>) =>
      fetch(url, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ _csrf: token, ...body }) }).then((r) => r.status);
    return [
      await post("/console/config/setting", { key: "media.media_timeout_s", value: "5" }),
      await post("/console/users", { username: "evil", role: "admin", password: "evil-password-1" }),
    ];
  });
  expect(statuses).toEqual([403, 403]);
  expect(users.find("evil")).toBeUndefined();
}, 30_000);

test("the evidence package downloads and verifies; one edited byte or a deleted row fails naming it", async () => {
  const page = browser.page; // still the auditor (audit:export)
  await page.goto(`${consoleUrl}/console/sessions/${sessionId}`);
  const [download] = await Promise.all([page.waitForEvent("download"), page.click("#evidence")]);
  const zipPath = join(downloads.path, "evidence.zip");
  await download.saveAs(zipPath);
  const ok = await runCli(["audit", "verify", zipPath]);
  expect(ok.stdout).toContain(": OK");
  expect(ok.code).toBe(0);

  const files = unzipSync(new Uint8Array(readFileSync(zipPath)));
  expect(strFromU8(files["sip-trace.txt"])).toContain("INVITE sip:110@");
  const chain = strFromU8(files["audit-chain.json"]);
  const row = JSON.parse(chain).rows.find((r: { type?: string }) => r.type === "session.ended");
  const at = chain.indexOf('"actor":"', chain.indexOf(`{"seq":${row.seq},`)) + '"actor":"'.length;
  const edited = chain.slice(0, at) + String.fromCharCode(chain.charCodeAt(at) ^ 1) + chain.slice(at + 1); // one byte of the actor
  files["audit-chain.json"] = strToU8(edited);
  const editedPath = join(downloads.path, "edited.zip");
  writeFileSync(editedPath, zipSync(files));
  const bad = await runCli(["audit", "verify", editedPath]);
  expect(bad.code).toBe(1);
  expect(bad.stdout).toContain(`audit-chain.json: seq ${row.seq}: content altered`);

  const lines = chain.split("\n");
  const victim = lines.findIndex((l) => l.includes('"type":"session.bound"'));
  const removedSeq = JSON.parse(lines[victim].replace(/,$/, "")).seq;
  lines.splice(victim, 1);
  files["audit-chain.json"] = strToU8(lines.join("\n"));
  writeFileSync(editedPath, zipSync(files));
  const removed = await runCli(["audit", "verify", editedPath]);
  expect(removed.code).toBe(1);
  expect(removed.stdout).toContain(`audit-chain.json: seq ${removedSeq}: removed`);
}, 60_000);

test("the full audit export downloads from the audit page and verifies; deleting a row fails naming its seq", async () => {
  const page = browser.page;
  await page.goto(`${consoleUrl}/console/audit`);
  const [download] = await Promise.all([page.waitForEvent("download"), page.click('a[href="/console/audit/export?format=json"]')]);
  const path = join(downloads.path, "audit.json");
  await download.saveAs(path);
  const ok = await runCli(["audit", "verify", path]);
  expect(ok.code, ok.stdout).toBe(0);
  const lines = readFileSync(path, "utf8").split("\n");
  const victim = lines.findIndex((l) => l.includes('"type":"session.bound"'));
  const seq = JSON.parse(lines[victim].replace(/^,/, "").replace(/,$/, "")).seq;
  lines.splice(victim, 1);
  writeFileSync(path, lines.join("\n"));
  const bad = await runCli(["audit", "verify", path]);
  expect(bad.code).toBe(1);
  expect(bad.stdout).toContain(`seq ${seq}: removed`);
}, 30_000);
