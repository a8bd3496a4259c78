/**
 * A VoLTE caller whose INVITE carries its location by value (RFC 6442: Geolocation: <cid:…> and a multipart body with
 * the SDP and a PIDF-LO part): the call is split as usual, the agent's widget shows where the caller is, and the
 * location is in the session's audit trail.
 */
import { Database } from "bun:sqlite";
import { expect, test } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pollUntil } from "../../support/poll.ts";
import { splitBrowserFixture } from "../../support/split-browser.ts";
import { splitScenario } from "../../support/split-harness.ts";
import { openWidget, startCall, textOf } from "./widget-call.ts";

const fx = splitBrowserFixture();
const PIDF = readFileSync(join(import.meta.dir, "../../fixtures/location/circle-civic.xml"), "utf8").replace(/^<\?xml[^>]*>\n/, "");

/** The usual A/V caller, its SDP wrapped in multipart/mixed next to a PIDF-LO part the Geolocation header points at. */
function locatedCallerScenario(dir: string): string {
  const plain = readFileSync(splitScenario(dir, "uac_av_media_until_bye.xml"), "utf8");
  const located = plain
    .replace("Content-Type: application/sdp\n      Content-Length: [len]\n\n      v=0",
      "Geolocation: <cid:loc-1@caller.example>\n      Geolocation-Routing: yes\n      Content-Type: multipart/mixed;boundary=loc-boundary\n      Content-Length: [len]\n\n"
      + "      --loc-boundary\n      Content-Type: application/sdp\n\n      v=0")
    .replace("      a=sendrecv\n\n    ]]>",
      "      a=sendrecv\n      --loc-boundary\n      Content-Type: application/pidf+xml\n      Content-ID: <loc-1@caller.example>\n\n"
      + PIDF.split("\n").map((l) => `      ${l}`).join("\n") + "\n      --loc-boundary--\n\n    ]]>");
  if (located === plain || !located.includes("--loc-boundary--")) throw new Error("the caller scenario no longer has the expected INVITE shape");
  const file = join(dir, "uac_av_located_until_bye.xml");
  writeFileSync(file, located);
  return file;
}

test("the widget shows the location the caller's INVITE conveyed; the session's audit trail holds it", async () => {
  const page = fx.browser.page;
  await openWidget(page, fx.h);
  const call = await startCall(fx.h, fx.scenarios.dir, page, locatedCallerScenario(fx.scenarios.dir));
  const shown = await pollUntil(() => textOf(page, "location"), (s) => s !== "", 10_000, "the caller's location in the widget");
  expect(shown).toBe("主叫位置: 39.904200, 116.407400 ± 850 m · CN 北京市 东城区 东长安街 1 · Cell");
  const [caller, cc] = await call.hangup();
  expect(caller.code, caller.logs).toBe(0);
  expect(cc.code, cc.logs).toBe(0);
  expect(await textOf(page, "location")).toBe("");

  const db = new Database(`${fx.h.dataDir}/avsplit.db`, { readonly: true });
  const row = db.query<{ data: string }, [string]>("SELECT data FROM events WHERE session_id = ? AND type = 'caller.location'").get(call.sessionId);
  db.close();
  expect(JSON.parse(row!.data).location.shapes).toEqual([{ kind: "circle", lat: 39.9042, lon: 116.4074, radiusM: 850 }]);
}, 40_000);
