import { afterEach, expect, test } from "bun:test";
import { strFromU8, unzipSync } from "fflate";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parsePidfLo } from "../../../src/sip/ua/index.ts";
import { verifyEvidenceBytes } from "../../../src/store/evidence-verify.ts";
import { consoleFixture } from "./console-fixture.ts";

let fx: ReturnType<typeof consoleFixture>;
afterEach(() => fx?.close());

const T0 = Date.parse("2026-11-20T08:00:00Z");
const pidf = readFileSync(join(import.meta.dir, "../../fixtures/location/circle-civic.xml"), "utf8")
  .replace("<ca:HNO>1</ca:HNO>", "<ca:HNO>&lt;script&gt;alert(1)&lt;/script&gt;</ca:HNO>");

test("the session page shows the caller's location (escaped) and the evidence package carries location.json", async () => {
  fx = consoleFixture();
  await fx.addUser("aud", "auditor");
  fx.recordCall({ id: "e1", at: T0, caller: "13800000001", agent: "1001", endReason: "caller-bye" });
  const location = parsePidfLo(pidf);
  fx.journal.record({ type: "caller.location", sessionId: "e1", at: T0, location, references: ["https://lis.example.net/loc/42"] });
  fx.journal.flush();
  const auditor = fx.client();
  await auditor.signIn("aud");

  const page = await (await auditor.request("/console/sessions/e1")).text();
  expect(page).toContain("39.904200, 116.407400 ± 850 m");
  expect(page).toContain("北京市");
  expect(page).toContain("https://lis.example.net/loc/42");
  expect(page).not.toContain("<script>alert(1)");
  expect(page).toContain("&lt;script&gt;alert(1)");

  const zip = new Uint8Array(await (await auditor.request("/console/sessions/e1/evidence.zip")).arrayBuffer());
  const files = unzipSync(zip);
  expect(JSON.parse(strFromU8(files["location.json"]))).toEqual({ location, references: ["https://lis.example.net/loc/42"] });
  expect((await verifyEvidenceBytes(zip)).problems).toEqual([]);
});
