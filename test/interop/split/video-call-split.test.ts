/**
 * Flows 1, 2 and 7 end to end: a sipp VoLTE caller (audio tone + H.264 pcap) calls in; avsplit places an
 * audio-only call to a sipp call center that names agent 1001; agent 1001's widget in headless Chromium gets
 * the caller's video and sends its fake camera back; the caller's BYE ends everything.
 */
import { expect, test } from "bun:test";
import type { Page } from "playwright-core";
import { Database } from "bun:sqlite";
import { pollUntil } from "../../support/poll.ts";
import { AGENTS, callCenterScenario, splitScenario } from "../../support/split-harness.ts";
import { freePorts, startSipp } from "../sip/sipp.ts";
import { splitBrowserFixture, videoCounters } from "../../support/split-browser.ts";

const fx = splitBrowserFixture();

test("caller video reaches the agent's browser, agent video and audio flow back, BYE ends every leg", async () => {
  const agent = AGENTS[0];
  await openWidget(fx.browser.page, agent);

  const cc = startSipp(fx.scenarios.dir, [
    "-sf", callCenterScenario(fx.scenarios.dir, agent.id), "-i", "127.0.0.1", "-p", String(fx.h.ccPort),
    "-mi", "127.0.0.1", "-mp", String(fx.h.ccMediaPort), "-rtp_echo", "-m", "1",
  ], 40);
  const caller = startSipp(fx.scenarios.dir, [
    "-sf", "uac_av_media.xml", "-s", "110", "-i", "127.0.0.1", "-p", String(fx.h.callerPort),
    "-mi", "127.0.0.1", "-mp", String(fx.h.callerMediaPort), `127.0.0.1:${fx.h.sipPort}`, "-m", "1", "-d", "8000",
  ], 40);

  const decoded = await pollUntil(() => videoCounters(fx.browser.page), (d) => d.framesDecoded > 10, 20_000, "the widget to decode the caller's video");
  expect(decoded.width).toBe(352);

  const [session] = fx.h.appliance.sessions!.list();
  expect(session.agentId).toBe(agent.id);
  const stats = session.mediaStats();
  expect(stats.callerAudio.rx.packets).toBeGreaterThan(20);
  expect(stats.callcenterAudio.tx.packets).toBeGreaterThan(20);
  expect(stats.callcenterAudio.rx.packets).toBeGreaterThan(20);
  expect(stats.callerAudio.tx.packets).toBeGreaterThan(20);
  expect(stats.callerVideo!.rx.packets).toBeGreaterThan(50);
  expect(stats.callerVideo!.tx.packets).toBeGreaterThan(10);

  const [callerResult, ccResult] = await Promise.all([caller.done, cc.done]);
  expect(callerResult.code, callerResult.logs).toBe(0);
  expect(ccResult.code, ccResult.logs).toBe(0);
  await fx.h.appliance.sessions!.whenIdle();
  await fx.browser.page.waitForFunction(() => document.querySelector('[data-avsplit="status"]')?.textContent === "等待来电", null, { timeout: 5000 });

  const db = new Database(`${fx.h.dataDir}/avsplit.db`, { readonly: true });
  const row = db.query<{ state: string; agent_id: string; caller_number: string; end_reason: string }, [string]>("SELECT * FROM sessions WHERE id = ?").get(session.id)!;
  expect(row).toMatchObject({ state: "ended", agent_id: "1001", caller_number: "+33600000001", end_reason: "caller remote-bye" });
  const types = db.query<{ type: string }, [string]>("SELECT type FROM events WHERE session_id = ? ORDER BY seq").all(session.id).map((r) => r.type);
  expect(types[0]).toBe("session.created");
  expect(types).toContain("session.bound");
  expect(types.indexOf("session.bound")).toBeLessThan(types.lastIndexOf("leg.started"));
  // the recording's file is finished (last writes, checksum) after the session ends: recording.stopped may follow
  expect(types.filter((t) => !t.startsWith("recording.")).at(-1)).toBe("session.ended");
  const legs = db.query<{ kind: string; state: string }, [string]>("SELECT kind, state FROM legs WHERE session_id = ? ORDER BY started_at").all(session.id);
  expect(legs.map((l) => l.kind).sort()).toEqual(["agent", "callcenter", "caller"]);
  expect(legs.every((l) => l.state === "ended")).toBe(true);
  db.close();
}, 90_000);

const statusOf = (page: Page) => page.evaluate(() => document.querySelector('[data-avsplit="status"]')?.textContent ?? "");

async function openWidget(page: Page, agent: { id: string; token: string }) {
  // A fresh load each time (goto to the same URL with a #fragment would not reload).
  await page.goto("about:blank");
  await page.goto(fx.h.agentUrl(agent.id, agent.token));
  await pollUntil(() => page.evaluate(() => document.querySelector('[data-avsplit="agent"]')?.textContent), (s) => s === agent.id, 10_000, `agent ${agent.id}'s widget to connect`);
}

function call(ccScenario: string, callerScenario: string, callerArgs: string[]) {
  const cc = startSipp(fx.scenarios.dir, ["-sf", ccScenario, "-i", "127.0.0.1", "-p", String(fx.h.ccPort), "-mi", "127.0.0.1", "-mp", String(fx.h.ccMediaPort), "-rtp_echo", "-m", "1"], 40);
  const caller = startSipp(fx.scenarios.dir, [
    "-sf", callerScenario, "-s", "110", "-i", "127.0.0.1", "-p", String(fx.h.callerPort), "-mi", "127.0.0.1", "-mp", String(fx.h.callerMediaPort),
    `127.0.0.1:${fx.h.sipPort}`, "-m", "1", ...callerArgs,
  ], 40);
  return Promise.all([caller.done, cc.done]);
}

test("the agent reloads the page during the call: the widget rejoins and the video resumes", async () => {
  const agent = AGENTS[0];
  await openWidget(fx.browser.page, agent);
  const done = call(callCenterScenario(fx.scenarios.dir, agent.id), "uac_av_media.xml", ["-d", "9000"]);
  await pollUntil(() => videoCounters(fx.browser.page), (d) => d.framesDecoded > 10, 20_000, "video before the reload");
  await fx.browser.page.reload();
  await pollUntil(() => videoCounters(fx.browser.page), (d) => d.framesDecoded > 10 && d.width === 352, 20_000, "video after the reload");
  const [caller, cc] = await done;
  expect(caller.code, caller.logs).toBe(0);
  expect(cc.code, cc.logs).toBe(0);
}, 90_000);

test("the agent presses hang-up: the caller and the call center both get BYE", async () => {
  const agent = AGENTS[0];
  await openWidget(fx.browser.page, agent);
  const ended = new Promise<string>((resolve) => fx.h.appliance.sessions!.on("event", (e) => e.type === "session.ended" && resolve(e.reason)));
  const done = call(callCenterScenario(fx.scenarios.dir, agent.id), splitScenario(fx.scenarios.dir, "uac_av_media_until_bye.xml"), []);
  await pollUntil(() => videoCounters(fx.browser.page), (d) => d.framesDecoded > 5, 20_000, "video before hang-up");
  await fx.browser.page.click('[data-avsplit="hangup"]');
  const [caller, cc] = await done;
  expect(caller.code, caller.logs).toBe(0);
  expect(cc.code, cc.logs).toBe(0);
  expect(await ended).toBe("agent 1001 hung up");
}, 90_000);

test("the call center transfers the call to another agent: the video moves to the second agent's widget", async () => {
  const second = await fx.browser.context.newPage();
  try {
    await openWidget(fx.browser.page, AGENTS[0]);
    await openWidget(second, AGENTS[1]);
    const done = call(splitScenario(fx.scenarios.dir, "uas_cc_transfers.xml"), "uac_av_media.xml", ["-d", "11000"]);
    await pollUntil(() => videoCounters(fx.browser.page), (d) => d.framesDecoded > 10, 20_000, "agent 1001's video");
    await pollUntil(() => videoCounters(second), (d) => d.framesDecoded > 10 && d.width === 352, 20_000, "agent 1002's video after the transfer");
    expect(await statusOf(fx.browser.page)).toBe("等待来电");
    expect((await videoCounters(fx.browser.page)).framesDecoded).toBe(0);
    const [caller, cc] = await done;
    expect(caller.code, caller.logs).toBe(0);
    expect(cc.code, cc.logs).toBe(0);
    const db = new Database(`${fx.h.dataDir}/avsplit.db`, { readonly: true });
    const bound = db.query<{ data: string }, []>("SELECT data FROM events WHERE type = 'session.bound' ORDER BY seq DESC LIMIT 1").get()!;
    expect(JSON.parse(JSON.parse(bound.data) ? bound.data : "{}")).toMatchObject({ agentId: "1002", previousAgentId: "1001", source: "transfer" });
    db.close();
  } finally {
    await second.close();
  }
}, 90_000);

test("110 flow: a voice call, the agent asks for video, the caller accepts; video -> audio removes it at once", async () => {
  const agent = AGENTS[0];
  await openWidget(fx.browser.page, agent);
  const done = call(callCenterScenario(fx.scenarios.dir, agent.id), splitScenario(fx.scenarios.dir, "uac_audio_accepts_video.xml"), ["-d", "2000"]);
  await pollUntil(() => statusOf(fx.browser.page), (s) => s === "语音通话", 10_000, "the widget to show an audio call");
  expect((await videoCounters(fx.browser.page)).framesDecoded).toBe(0);
  await fx.browser.page.click('[data-avsplit="video-on"]');
  await pollUntil(() => videoCounters(fx.browser.page), (d) => d.framesDecoded > 10 && d.width === 352, 20_000, "the caller's video after it accepted");
  await fx.browser.page.click('[data-avsplit="video-off"]');
  await pollUntil(() => statusOf(fx.browser.page), (s) => s === "语音通话", 10_000, "the widget back to audio");
  expect((await videoCounters(fx.browser.page)).framesDecoded).toBe(0);
  const [caller, cc] = await done;
  expect(caller.code, caller.logs).toBe(0);
  expect(cc.code, cc.logs).toBe(0);
  const db = new Database(`${fx.h.dataDir}/avsplit.db`, { readonly: true });
  const video = db.query<{ data: string }, []>("SELECT data FROM events WHERE type = 'media.video' ORDER BY seq DESC LIMIT 2").all().map((r) => JSON.parse(r.data).direction);
  expect(video).toEqual(["removed", "added"]);
  db.close();
}, 90_000);

test("110 flow: the caller refuses video (488): the call stays audio and the agent is told", async () => {
  const agent = AGENTS[0];
  await openWidget(fx.browser.page, agent);
  const done = call(callCenterScenario(fx.scenarios.dir, agent.id), splitScenario(fx.scenarios.dir, "uac_audio_refuses_video.xml"), ["-d", "1500"]);
  await pollUntil(() => statusOf(fx.browser.page), (s) => s === "语音通话", 10_000, "the widget to show an audio call");
  await fx.browser.page.click('[data-avsplit="video-on"]');
  await pollUntil(() => statusOf(fx.browser.page), (s) => s.includes("未接受视频（488）"), 10_000, "the refusal notice");
  const [caller, cc] = await done;
  expect(caller.code, caller.logs).toBe(0);
  expect(cc.code, cc.logs).toBe(0);
}, 90_000);

test("the call center transfers by REFER: avsplit calls the target, its agent gets the video, the old leg is hung up", async () => {
  const second = await fx.browser.context.newPage();
  try {
    await openWidget(fx.browser.page, AGENTS[0]);
    await openWidget(second, AGENTS[1]);
    const targetPort = await freePorts(1);
    const targetMedia = await freePorts(2);
    const target = startSipp(fx.scenarios.dir, ["-sf", callCenterScenario(fx.scenarios.dir, AGENTS[1].id), "-i", "127.0.0.1", "-p", String(targetPort), "-mi", "127.0.0.1", "-mp", String(targetMedia), "-rtp_echo", "-m", "1"], 40);
    const done = call(splitScenario(fx.scenarios.dir, "uas_cc_refers.xml", { TARGET: `127.0.0.1:${targetPort}` }), "uac_av_media.xml", ["-d", "11000"]);
    await pollUntil(() => videoCounters(fx.browser.page), (d) => d.framesDecoded > 10, 20_000, "agent 1001's video");
    await pollUntil(() => videoCounters(second), (d) => d.framesDecoded > 10 && d.width === 352, 20_000, "agent 1002's video after the REFER");
    expect(await statusOf(fx.browser.page)).toBe("等待来电");
    const [caller, cc] = await done;
    const transferTarget = await target.done;
    expect(caller.code, caller.logs).toBe(0);
    expect(cc.code, cc.logs).toBe(0);
    expect(transferTarget.code, transferTarget.logs).toBe(0);
    const db = new Database(`${fx.h.dataDir}/avsplit.db`, { readonly: true });
    const legs = db.query<{ kind: string; end_reason: string }, []>(
      "SELECT kind, end_reason FROM legs WHERE session_id = (SELECT id FROM sessions ORDER BY started_at DESC LIMIT 1) AND kind = 'callcenter' ORDER BY started_at",
    ).all();
    expect(legs.map((l) => l.end_reason)).toEqual(["transferred", "local-bye"]);
    db.close();
  } finally {
    await second.close();
  }
}, 90_000);

test("the call center names no agent: the agent binds the call by the caller's number and gets the video", async () => {
  const agent = AGENTS[0];
  await openWidget(fx.browser.page, agent);
  const done = call("uas_callcenter.xml", "uac_av_media.xml", ["-d", "8000"]);
  await pollUntil(() => Promise.resolve(fx.h.appliance.sessions!.list()[0]?.state), (s) => s === "connected", 10_000, "the call to connect");
  expect(fx.h.appliance.sessions!.list()[0].agentId).toBeNull();
  await fx.browser.page.fill('[data-avsplit="bind-form"] input', "+33600000001");
  await fx.browser.page.click('[data-avsplit="bind-form"] button');
  await pollUntil(() => videoCounters(fx.browser.page), (d) => d.framesDecoded > 10, 20_000, "video after manual binding");
  const [caller, cc] = await done;
  expect(caller.code, caller.logs).toBe(0);
  expect(cc.code, cc.logs).toBe(0);
  const db = new Database(`${fx.h.dataDir}/avsplit.db`, { readonly: true });
  const bound = db.query<{ actor: string; data: string }, []>("SELECT actor, data FROM events WHERE type = 'session.bound' ORDER BY seq DESC LIMIT 1").get()!;
  expect(bound.actor).toBe("1001");
  expect(JSON.parse(bound.data)).toMatchObject({ agentId: "1001", source: "manual" });
  db.close();
}, 90_000);

test("a caller without rtcp-fb is asked for keyframes by SIP INFO picture_fast_update when the agent joins", async () => {
  const agent = AGENTS[0];
  await openWidget(fx.browser.page, agent);
  const done = call(callCenterScenario(fx.scenarios.dir, agent.id), splitScenario(fx.scenarios.dir, "uac_av_media_no_rtcp_fb.xml"), ["-d", "4000"]);
  await pollUntil(() => videoCounters(fx.browser.page), (d) => d.framesDecoded > 10, 20_000, "video from the caller without rtcp-fb");
  const [caller, cc] = await done;
  expect(caller.code, caller.logs).toBe(0);
  expect(cc.code, cc.logs).toBe(0);
}, 90_000);
