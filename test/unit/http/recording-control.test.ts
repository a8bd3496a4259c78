/**
 * Recording in the console and the REST API: a live session's page shows whether it is recorded and (with
 * sessions:control) a start/stop button; the API maps the session layer's refusals to 404/409; a recording plays in a
 * <video> with a download link and is served in byte ranges so the player can seek.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { SessionSetupError } from "../../../src/session/setup-error.ts";
import { consoleFixture } from "./console-fixture.ts";

let fx: ReturnType<typeof consoleFixture>;
afterEach(() => fx?.close());

const T0 = Date.parse("2026-11-20T08:00:00Z");

/** A live call "c1" whose recording state the fake session layer keeps; `calls` lists what was asked of it. */
function liveCall(mode: "all" | "on-demand") {
  fx = consoleFixture();
  fx.recordCall({ id: "c1", at: T0, caller: "13800000001", agent: "1001" });
  fx.liveStats.set("c1", { callerAudio: { rx: { packets: 1 } } });
  const state = { recording: mode === "all" };
  const calls: string[] = [];
  Object.assign(fx.consoleDeps.live!, {
    recording: (id: string) => (id === "c1" ? state.recording : undefined),
    setRecording: (id: string, on: boolean, by: string) => {
      calls.push(`${id} ${on} ${by}`);
      if (id !== "c1") throw new SessionSetupError(404, `no live session ${id}`);
      if (mode === "all" && !on) throw new SessionSetupError(409, "every call is recorded on this node (mode all)");
      state.recording = on;
      return { recording: on, recordingId: on ? "r1" : undefined };
    },
  });
  return { state, calls };
}

async function signedIn(role: "supervisor" | "auditor" | "admin") {
  await fx.addUser(role, role);
  const browser = fx.client();
  await browser.signIn(role);
  return browser;
}

describe("console", () => {
  test("a supervisor starts and stops recording from the live session's page", async () => {
    const { state, calls } = liveCall("on-demand");
    const browser = await signedIn("supervisor");
    const page = await (await browser.request("/console/sessions/c1")).text();
    expect(page).toContain('<form id="recording"');
    expect(page).toContain("开始录像");
    const _csrf = (await browser.csrf("/console/sessions/c1"))!;
    const res = await browser.request("/console/sessions/c1/recording", { method: "POST", form: { _csrf, on: "1" } });
    expect(res.status).toBe(303);
    expect(state.recording).toBe(true);
    expect(await (await browser.request("/console/sessions/c1")).text()).toContain("停止录像");
    await browser.request("/console/sessions/c1/recording", { method: "POST", form: { _csrf, on: "0" } });
    expect(calls).toEqual(["c1 true user:supervisor", "c1 false user:supervisor"]);
  });

  test("an auditor sees the state but has no button, and a forged POST is refused", async () => {
    liveCall("all");
    const browser = await signedIn("auditor");
    const page = await (await browser.request("/console/sessions/c1")).text();
    expect(page).toContain("正在录像");
    expect(page).not.toContain("停止录像");
    const _csrf = (await browser.csrf("/console/sessions/c1"))!;
    expect((await browser.request("/console/sessions/c1/recording", { method: "POST", form: { _csrf, on: "0" } })).status).toBe(403);
  });

  test("a finished recording plays in a <video>, has a download link, and is served in byte ranges", async () => {
    fx = consoleFixture();
    fx.recordCall({ id: "r1", at: T0, caller: "13800000001", endReason: "caller-bye" });
    const bytes = new Uint8Array(1000).map((_, i) => i & 0xff);
    fx.addMedia("r1", "rec1", "recording", bytes, "video/x-matroska");
    const browser = await signedIn("auditor");
    const page = await (await browser.request("/console/sessions/r1")).text();
    expect(page).toContain('<video controls="" width="480" preload="metadata" src="/console/sessions/r1/media/rec1"');
    expect(page).toContain('download="r1-rec1.mkv"');
    const part = await browser.request("/console/sessions/r1/media/rec1", { headers: { range: "bytes=10-19" } });
    expect(part.status).toBe(206);
    expect(part.headers.get("content-range")).toBe("bytes 10-19/1000");
    expect([...new Uint8Array(await part.arrayBuffer())]).toEqual([...bytes.subarray(10, 20)]);
    const tail = await browser.request("/console/sessions/r1/media/rec1", { headers: { range: "bytes=-5" } });
    expect(tail.headers.get("content-range")).toBe("bytes 995-999/1000");
    expect((await browser.request("/console/sessions/r1/media/rec1", { headers: { range: "bytes=2000-" } })).status).toBe(416);
    const whole = await browser.request("/console/sessions/r1/media/rec1");
    expect(whole.status).toBe(200);
    expect(whole.headers.get("accept-ranges")).toBe("bytes");
  });
});

describe("REST API", () => {
  async function apiToken(role: "supervisor" | "auditor") {
    const browser = await signedIn(role);
    const _csrf = (await browser.csrf("/console/api-token"))!;
    const html = await (await browser.request("/console/api-token", { method: "POST", form: { _csrf } })).text();
    return /<code id="api-token">([^<]+)<\/code>/.exec(html)![1];
  }
  const post = (id: string, body: unknown, token: string) =>
    fx.app.request(`https://avsplit.test/api/v1/sessions/${id}/recording`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify(body) });

  test("POST /v1/sessions/{id}/recording starts and stops; refusals are 404/409 with the reason; bad bodies 400", async () => {
    const { calls } = liveCall("all");
    const token = await apiToken("supervisor");
    const refused = await post("c1", { on: false }, token);
    expect(refused.status).toBe(409);
    expect((await refused.json()).error).toContain("mode all");
    expect(await (await post("c1", { on: true }, token)).json()).toEqual({ recording: true, recording_id: "r1" });
    expect((await post("gone", { on: true }, token)).status).toBe(404);
    expect((await post("c1", { on: "yes" }, token)).status).toBe(400);
    expect(calls).toEqual(["c1 false user:supervisor", "c1 true user:supervisor", "gone true user:supervisor"]);
  });

  test("an auditor may not control recording", async () => {
    liveCall("on-demand");
    expect((await post("c1", { on: true }, await apiToken("auditor"))).status).toBe(403);
  });
});
