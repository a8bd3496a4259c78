/**
 * Recording mode "on-demand": the widget shows a record button; the agent starts and stops recording the caller with
 * it, the button follows the session's state, and the recording is stored with the session.
 */
import { Database } from "bun:sqlite";
import { expect, test } from "bun:test";
import { pollUntil } from "../../support/poll.ts";
import { splitBrowserFixture } from "../../support/split-browser.ts";
import { openWidget, startCall, textOf } from "./widget-call.ts";

const fx = splitBrowserFixture([], { recordingMode: "on-demand" });

test("the agent starts and stops recording the caller with the widget's button", async () => {
  const page = fx.browser.page;
  await openWidget(page, fx.h);
  const call = await startCall(fx.h, fx.scenarios.dir, page);
  const button = '[data-avsplit="record"]';
  await pollUntil(() => page.isVisible(button), (v) => v, 10_000, "the record button");
  expect(await textOf(page, "record")).toBe("开始录像");
  const recording = () => fx.h.appliance.sessions!.get(call.sessionId)?.isRecording;
  await pollUntil(() => page.isEnabled(button), (v) => v, 10_000, "the record button to be enabled");
  await page.click(button);
  await pollUntil(() => textOf(page, "record"), (s) => s === "停止录像", 10_000, "the button to offer stopping");
  expect(recording()).toBe(true);
  await page.click(button);
  await pollUntil(() => textOf(page, "record"), (s) => s === "开始录像", 10_000, "the button to offer recording again");
  expect(recording()).toBe(false);
  const [caller, cc] = await call.hangup();
  expect(caller.code, caller.logs).toBe(0);
  expect(cc.code, cc.logs).toBe(0);

  const db = new Database(`${fx.h.dataDir}/avsplit.db`, { readonly: true });
  // the row is written once the file's last writes are done and it is checksummed: nothing announces it to the test
  const rows = await pollUntil(
    () => db.query<{ kind: string }, [string]>("SELECT kind FROM media_files WHERE session_id = ?").all(call.sessionId),
    (r) => r.length > 0, 10_000, "the recording's row",
  );
  const audited = db.query<{ type: string; actor: string }, [string]>("SELECT type, actor FROM events WHERE session_id = ? AND type LIKE 'recording.%' ORDER BY seq").all(call.sessionId);
  db.close();
  expect(rows).toEqual([{ kind: "recording" }]);
  expect(audited.map((e) => e.type)).toEqual(["recording.started", "recording.stopped"]);
}, 40_000);
