/**
 * Feature (e): the agent takes a screenshot of the caller's video. The PNG stored with the session decodes at the
 * caller's video size (352x288 from the sipp pcap), its media_files row and screenshot.taken audit event exist,
 * and the widget lists it.
 */
import { expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { join } from "node:path";
import { pollUntil } from "../../support/poll.ts";
import { AGENT, openWidget, startCall } from "./widget-call.ts";
import { splitBrowserFixture, videoCounters } from "../../support/split-browser.ts";

const fx = splitBrowserFixture();

test("a screenshot of the caller's video is a 352x288 PNG stored with the session, audited and listed", async () => {
  const page = fx.browser.page;
  await openWidget(page, fx.h);
  const call = await startCall(fx.h, fx.scenarios.dir, page);
  await pollUntil(() => videoCounters(page), (c) => c.framesDecoded > 5 && c.width === 352, 15_000, "the caller's video in the widget");

  await page.click('[data-avsplit="screenshot"]');
  const listed = await pollUntil(() => page.evaluate(() => document.querySelectorAll('[data-avsplit="screenshots"] li').length), (n) => n === 1, 5000, "the screenshot in the widget's list");
  expect(listed).toBe(1);

  const db = new Database(join(fx.h.dataDir, "avsplit.db"), { readonly: true });
  const row = db.query<{ id: string; path: string; kind: string; bytes: number; sha256: string }, [string]>("SELECT * FROM media_files WHERE session_id = ?").get(call.sessionId)!;
  const event = db.query<{ actor: string; data: string }, [string]>("SELECT actor, data FROM events WHERE session_id = ? AND type = 'screenshot.taken'").get(call.sessionId)!;
  db.close();
  expect(row.kind).toBe("screenshot");
  expect(event.actor).toBe(`agent:${AGENT.id}`);
  expect(JSON.parse(event.data)).toMatchObject({ fileId: row.id, sha256: row.sha256, width: 352, height: 288 });

  const file = join(fx.h.dataDir, row.path);
  const png = new Uint8Array(await Bun.file(file).arrayBuffer());
  expect(png.byteLength).toBe(row.bytes);
  expect(new Bun.CryptoHasher("sha256").update(png).digest("hex")).toBe(row.sha256);
  const probe = Bun.spawnSync(["ffprobe", "-v", "error", "-show_entries", "stream=codec_name,width,height", "-of", "csv=p=0", file]);
  expect(probe.stdout.toString().trim()).toBe("png,352,288");

  const [caller, cc] = await call.hangup();
  expect(caller.code, caller.logs).toBe(0);
  expect(cc.code, cc.logs).toBe(0);
}, 30_000);
