import { afterEach, describe, expect, test } from "bun:test";
import { SipTraceArchive, SipTraceArchiver, traceWithArchive } from "../../../src/store/sip-trace-archive.ts";
import { FakeClock } from "../../support/fake-clock.ts";
import { pollUntil } from "../../support/poll.ts";
import { consoleFixture } from "./console-fixture.ts";

let fx: ReturnType<typeof consoleFixture>;
afterEach(() => fx?.close());

const T0 = Date.parse("2026-11-20T08:00:00Z");

async function signedIn(role: "admin" | "supervisor" | "auditor" | "agent" = "supervisor") {
  fx = consoleFixture();
  await fx.addUser("u", role, role === "agent" ? "1001" : undefined);
  const browser = fx.client();
  await browser.signIn("u");
  return browser;
}

const rowsOf = (html: string) => [...html.matchAll(/<tr><td><a href="\/console\/sessions\/([^"]+)"/g)].map((m) => decodeURIComponent(m[1]));

describe("session history", () => {
  test("filters by time range, caller number, agent and outcome; newest first", async () => {
    const browser = await signedIn();
    fx.recordCall({ id: "s1", at: T0, caller: "13800000001", agent: "1001", endReason: "caller-bye" });
    fx.recordCall({ id: "s2", at: T0 + 3600_000, caller: "13900000002", agent: "1002", endReason: "callcenter-bye" });
    fx.recordCall({ id: "s3", at: T0 + 7200_000, caller: "13800000003", answered: false, endReason: "busy" });
    fx.recordCall({ id: "s4", at: T0 + 9000_000, caller: "13800000004", agent: "1001" });
    const list = async (q: string) => rowsOf(await (await browser.request(`/console/sessions?${q}`)).text());
    expect(await list("")).toEqual(["s4", "s3", "s2", "s1"]);
    expect(await list("caller=1380")).toEqual(["s4", "s3", "s1"]);
    expect(await list("agent=1001")).toEqual(["s4", "s1"]);
    expect(await list("outcome=answered")).toEqual(["s2", "s1"]);
    expect(await list("outcome=unanswered")).toEqual(["s3"]);
    expect(await list("outcome=active")).toEqual(["s4"]);
    expect(await list("from=2026-11-20T08:30&to=2026-11-20T10:00")).toEqual(["s3", "s2"]);
    expect(await list("caller=%25")).toEqual([]); // LIKE wildcards are literal
  });

  test("paginates 50 a page with links that keep the filter", async () => {
    const browser = await signedIn();
    for (let i = 0; i < 120; i++) fx.recordCall({ id: `p${String(i).padStart(3, "0")}`, at: T0 + i * 1000, caller: `1000${i}`, endReason: "caller-bye" });
    const first = await (await browser.request("/console/sessions?outcome=answered")).text();
    expect(rowsOf(first)).toHaveLength(50);
    expect(rowsOf(first)[0]).toBe("p119");
    expect(first).toContain("1 / 3");
    const next = /rel="next" href="([^"]+)"/.exec(first)![1].replace(/&amp;/g, "&");
    expect(next).toContain("outcome=answered");
    const third = await (await browser.request(next.replace("page=2", "page=3"))).text();
    expect(rowsOf(third)).toHaveLength(20);
    expect(rowsOf(third).at(-1)).toBe("p000");
  });

  test("English when the language cookie says so (zh-CN by default)", async () => {
    const browser = await signedIn();
    fx.recordCall({ id: "l1", at: T0, caller: "1", answered: false, endReason: "busy" });
    expect(await (await browser.request("/console/sessions")).text()).toContain("未接通");
    browser.jar.set("lang", "en");
    const html = await (await browser.request("/console/sessions")).text();
    expect(html).toContain("<h1>Session history</h1>");
    expect(html).toContain("<td>unanswered</td>");
  });

  test("an agent may not open the history; signed out is sent to sign in", async () => {
    const agent = await signedIn("agent");
    expect((await agent.request("/console/sessions")).status).toBe(403);
    const anon = fx.client();
    expect((await anon.request("/console/sessions", { headers: { accept: "text/html" } })).headers.get("location")).toBe("/login?next=%2Fconsole%2Fsessions");
  });
});

describe("session detail", () => {
  test("shows legs, the timeline of audit events and a SIP ladder built from both legs' Call-IDs", async () => {
    const browser = await signedIn();
    fx.recordCall({ id: "d1", at: T0, caller: "13800000001", agent: "1001", endReason: "caller-bye" });
    const res = await browser.request("/console/sessions/d1");
    expect(res.status).toBe(200);
    const html = await res.text();
    const timeline = html.slice(html.indexOf('id="timeline"'));
    for (const type of ["session.created", "leg.started", "session.state", "session.bound", "leg.ended", "session.ended"]) expect(timeline).toContain(type);
    const arrows = [...html.matchAll(/<g class="sip-msg" data-call-id="([^"]+)"><text[^>]*>([^<]+)<\/text><line x1="(\d+)"[^>]*x2="(\d+)"/g)].map((m) => [m[1].split("-")[1].split("@")[0], m[2], m[3], m[4]]);
    expect(arrows).toEqual([
      ["caller", "INVITE sip:110@127.0.0.1", "90", "360"],
      ["caller", "100 Trying", "360", "90"],
      ["cc", "INVITE sip:110@127.0.0.1", "360", "630"],
      ["cc", "200 OK", "630", "360"],
      ["caller", "200 OK", "360", "90"],
    ]);
    expect(html).toContain("rx.packets");
    expect(html).toContain("3000");
    expect(html).toContain("X-Agent-Id: 1001");
  });

  test("an XSS payload in the From display-name renders as text everywhere", async () => {
    const browser = await signedIn("admin");
    const payload = `<script>alert(1)</script><img src=x onerror=alert(2)>`;
    fx.recordCall({ id: "x1", at: T0, caller: "13800000001", displayName: payload, agent: "1001", endReason: "caller-bye" });
    for (const page of ["/console/sessions", "/console/sessions/x1", "/console/"]) {
      const html = await (await browser.request(page)).text();
      expect(html).not.toContain("<script>alert(1)");
      expect(html).not.toContain("<img src=x");
    }
    const detail = await (await browser.request("/console/sessions/x1")).text();
    expect(detail).toContain("&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;");
    expect(detail).toContain("From: &quot;&lt;script&gt;alert(1)&lt;/script&gt;"); // the SIP text too
  });

  test("live media stats of a call in progress come from the session manager", async () => {
    const browser = await signedIn();
    fx.recordCall({ id: "live1", at: Date.now(), caller: "13800000009", agent: "1001" });
    fx.liveStats.set("live1", { callerAudio: { rx: { packets: 4242, lost: 0 } } });
    const html = await (await browser.request("/console/sessions/live1")).text();
    expect(html).toContain("callerAudio.rx.packets");
    expect(html).toContain("4242");
  });

  test("screenshots are listed and served from the data dir; unknown ids 404", async () => {
    const browser = await signedIn();
    fx.recordCall({ id: "m1", at: T0, caller: "1", endReason: "caller-bye" });
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]);
    fx.addMedia("m1", "shot1", "screenshot", png, "image/png");
    const html = await (await browser.request("/console/sessions/m1")).text();
    expect(html).toContain('<img src="/console/sessions/m1/media/shot1"');
    const file = await browser.request("/console/sessions/m1/media/shot1");
    expect(file.headers.get("content-type")).toBe("image/png");
    expect(new Uint8Array(await file.arrayBuffer())).toEqual(png);
    expect((await browser.request("/console/sessions/m1/media/nope")).status).toBe(404);
    expect((await browser.request("/console/sessions/none")).status).toBe(404);
  });
});

describe("SIP trace archive", () => {
  test("an ended call's ladder survives the in-memory trace forgetting it (saved after the session ended)", async () => {
    const browser = await signedIn();
    const clock = new FakeClock();
    const archive = new SipTraceArchive(fx.dataDir);
    const archiver = new SipTraceArchiver(fx.trace, archive, fx.consoleDeps.history, { delayMs: 5000, clock });
    fx.consoleDeps.trace = traceWithArchive(fx.trace, archive);
    const { callerCallId } = fx.recordCall({ id: "old1", at: T0, caller: "1", agent: "1001", endReason: "caller-bye" });
    archiver.sessionEnded("old1");
    expect(archive.get(callerCallId)).toEqual([]);
    clock.advance(5000);
    const saved = await pollUntil(() => archive.get(callerCallId), (m) => m.length > 0, 5000, "the archived trace");
    expect(saved.map((m) => m.firstLine)).toEqual(fx.trace.get(callerCallId).map((m) => m.firstLine));
    fx.trace.clear();
    const html = await (await browser.request("/console/sessions/old1")).text();
    expect(html.match(/<g class="sip-msg"/g)?.length).toBe(5);
    expect(archive.get("unknown@x")).toEqual([]);
  });
});
