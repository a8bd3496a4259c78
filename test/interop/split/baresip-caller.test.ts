/**
 * The split with baresip as the caller (a real video terminal: H.264 from its cairo test pattern + a 440 Hz tone;
 * plain RTP, SDES-SRTP, and SIP over TLS with SDES-SRTP — baresip 1.0 does not check the server's certificate),
 * a sipp call center naming agent 1001, and agent 1001's widget in Chromium. Proven from both ends: the widget
 * decodes the caller's video, and baresip decodes the agent's camera (its end-of-call stats report the
 * resolution it received) while audio RTP flows both ways.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { join } from "node:path";
import { launchChromium, type ChromiumSession } from "../../support/chromium.ts";
import { freeTcpPort, freeUdpTcpPort } from "../../support/free-port.ts";
import { PEERS } from "../../support/peers.ts";
import { pollUntil } from "../../support/poll.ts";
import { AGENTS, callCenterScenario, startSplitHarness, type SplitHarness } from "../../support/split-harness.ts";
import { tempDir } from "../../support/temp-dir.ts";
import { scenarioDir, startSipp } from "../sip/sipp.ts";
import { videoCounters } from "../../support/split-browser.ts";

const HAVE_BARESIP = Bun.which("baresip") !== null;

let h: SplitHarness;
let browser: ChromiumSession;
let scenarios: { dir: string; cleanup(): void };
let dir = tempDir("avsplit-baresip-caller-");

beforeAll(async () => {
  if (!HAVE_BARESIP) return;
  h = await startSplitHarness({ sipTls: true });
  scenarios = scenarioDir();
  browser = await launchChromium({ args: ["--ignore-certificate-errors"] });
});

afterAll(async () => {
  await browser?.close();
  await h?.stop();
  scenarios?.cleanup();
  dir.cleanup();
});

test.skipIf(!HAVE_BARESIP).each([
  ["plain RTP", "", "udp"],
  ["SDES-SRTP (RTP/SAVP, a=crypto)", "srtp-mand", "udp"],
  ["SIP over TLS, SDES-SRTP", "srtp-mand", "tls"],
])("baresip video caller <-> agent widget, audio to the call center: %s", async (_name, mediaenc, transport) => {
  const agent = AGENTS[0];
  await browser.page.goto(h.agentUrl(agent.id, agent.token));
  await pollUntil(() => browser.page.evaluate(() => document.querySelector('[data-avsplit="agent"]')?.textContent), (s) => s === agent.id, 10_000, "the widget");

  const cc = startSipp(scenarios.dir, [
    "-sf", callCenterScenario(scenarios.dir, agent.id), "-i", "127.0.0.1", "-p", String(h.ccPort),
    "-mi", "127.0.0.1", "-mp", String(h.ccMediaPort), "-rtp_echo", "-m", "1",
  ], 40);

  dir.cleanup();
  dir = tempDir("avsplit-baresip-caller-");
  const [own, ctrl, http] = [await freeUdpTcpPort(), await freeTcpPort(), await freeTcpPort()];
  const rtpBase = 46000 + 2 * Math.floor(Math.random() * 4000);
  const conf = Bun.spawnSync(["sh", join(PEERS, "baresip/mkconf.sh"), dir.path, "a", String(own), `${rtpBase}-${rtpBase + 99}`, String(ctrl), String(http), "manual", "cairo,nil", "ausine,440"], {
    env: { ...process.env, PEERS },
  });
  expect(conf.exitCode, conf.stderr.toString()).toBe(0);
  if (mediaenc) {
    const accounts = join(dir.path, "accounts");
    await Bun.write(accounts, (await Bun.file(accounts).text()).replace(";regint=0", `;regint=0;mediaenc=${mediaenc}`));
    const config = join(dir.path, "config");
    await Bun.write(config, (await Bun.file(config).text()) + "module\t\t\tsrtp.so\n");
  }
  const target = transport === "tls" ? `sip:110@127.0.0.1:${h.sipTls!.port};transport=tls` : `sip:110@127.0.0.1:${h.sipPort}`;
  // -t: baresip hangs up (BYE) and quits after 14 s.
  const caller = Bun.spawn(["baresip", "-f", dir.path, "-t", "14", "-e", `/dial ${target}`], { stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  const output = Promise.all([new Response(caller.stdout).text(), new Response(caller.stderr).text()]).then(([o, e]) => o + e);

  await pollUntil(() => videoCounters(browser.page), (c) => c.framesDecoded > 10, 25_000, "the widget to decode baresip's video");
  const log = await output;
  if (process.env.AVSPLIT_DEBUG_BARESIP) await Bun.write("/tmp/baresip-caller.log", log);
  await caller.exited;
  const ccResult = await cc.done;
  expect(ccResult.code, ccResult.logs).toBe(0);

  // The call was set up with the appliance at the target (for TLS: its TLS listener, the only one on that port).
  expect(log).toContain(`Call established: ${target}`);
  // baresip's end-of-call report: the agent's camera arrived and decoded, audio went both ways.
  expect(log).toMatch(/video: receiving with resolution \d+ x \d+/);
  // rtp_stats table: "<kind>  Transmit:  Receive:" then "packets:  <tx>  <rx>"
  const packets = (kind: string) => {
    const m = new RegExp(`${kind}\\s+Transmit:\\s+Receive:\\s*\\npackets:\\s+(\\d+)\\s+(\\d+)`).exec(log);
    return { tx: Number(m?.[1] ?? 0), rx: Number(m?.[2] ?? 0) };
  };
  expect(packets("video").rx).toBeGreaterThan(50);
  expect(packets("audio").tx).toBeGreaterThan(100);
  expect(packets("audio").rx).toBeGreaterThan(100);
  await h.appliance.sessions!.whenIdle();
}, 90_000);
