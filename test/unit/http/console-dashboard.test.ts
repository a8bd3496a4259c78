import { afterEach, expect, test } from "bun:test";
import { consoleFixture } from "./console-fixture.ts";

let fx: ReturnType<typeof consoleFixture>;
afterEach(() => fx?.close());

test("the live table lists active sessions with their legs, a link to the detail and media quality; ended ones leave", async () => {
  fx = consoleFixture();
  await fx.addUser("sup", "supervisor");
  const browser = fx.client();
  await browser.signIn("sup");
  const now = Date.now();
  fx.recordCall({ id: "live1", at: now - 5000, caller: "13800000001", agent: "1001" });
  fx.recordCall({ id: "live2", at: now - 1000, caller: "13800000002", agent: "1002" });
  fx.recordCall({ id: "gone", at: now - 9000, caller: "13800000003", endReason: "caller-bye" });
  fx.liveStats.set("live1", { callerAudio: { rx: { lost: 5, expected: 500, jitterMs: 3.2, bitrateBps: 64000 } }, callerVideo: { rx: { lost: 0, expected: 900, jitterMs: 8, bitrateBps: 512000 } } });
  const html = await (await browser.request("/console/live", { headers: { "hx-request": "true" } })).text();
  const rows = [...html.matchAll(/<tr><td>([^<]*)<\/td>.*?<\/tr>/g)].map((m) => m[0]);
  expect(rows).toHaveLength(2);
  expect(rows[0]).toContain("13800000002"); // newest first
  expect(rows[1]).toContain('href="/console/sessions/live1"');
  expect(rows[1]).toContain("caller:offered callcenter:offered"); // the fixture records no leg.state
  expect(rows[1]).toContain("A 1.0% 3 ms 64 kb/s · V 0.0% 8 ms 512 kb/s");
  expect(html).not.toContain("13800000003");
});
