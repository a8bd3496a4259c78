import { afterEach, expect, test } from "bun:test";
import { exportAudit, verifyExportText } from "../../../src/store/audit-export.ts";
import { auditExportChunks } from "../../../src/store/audit-export.ts";
import { consoleFixture } from "./console-fixture.ts";

let fx: ReturnType<typeof consoleFixture>;
afterEach(() => fx?.close());

const sameTime = (s: string) => s.replace(/"exported_at":"[^"]+"/, '"exported_at":"X"');

test("the pulled export is byte for byte exportAudit's, in pieces of the asked size, for JSON and CSV", () => {
  fx = consoleFixture();
  for (let i = 0; i < 500; i++) fx.audit.append({ type: "leg.state", actor: "system", sessionId: `s${i % 7}`, data: { i, text: 'comma, "quote"\nnewline' } });
  for (const format of ["json", "csv"] as const) {
    for (const range of [{}, { sessionId: "s3" }]) {
      let whole = "";
      const summary = exportAudit(fx.audit, range, format, (c) => (whole += c), { node: "n" });
      const gen = auditExportChunks(fx.audit, range, format, { node: "n" }, 4096);
      const pieces: string[] = [];
      let next = gen.next();
      while (!next.done) { pieces.push(next.value); next = gen.next(); }
      expect(sameTime(pieces.join(""))).toBe(sameTime(whole));
      expect(next.value).toEqual(summary);
      expect(pieces.slice(0, -1).every((p) => p.length >= 4096 && p.length < 4096 + 400)).toBe(true);
      if (!("sessionId" in range)) expect(verifyExportText(pieces.join("")).ok).toBe(true); // a one-session export has gaps by design
    }
  }
});

test("the console download is produced as the client reads it, not all at once", async () => {
  fx = consoleFixture();
  for (let i = 0; i < 3000; i++) fx.audit.append({ type: "leg.state", actor: "system", data: { i, pad: "x".repeat(100) } });
  await fx.addUser("aud", "auditor");
  const browser = fx.client();
  await browser.signIn("aud");
  const res = await browser.request("/console/audit/export?format=csv");
  const reader = res.body!.getReader();
  const first = await reader.read();
  expect(first.value!.length).toBeLessThan(128 * 1024); // one piece, while the whole export is ~1 MB
  let total = first.value!.length;
  for (let r = await reader.read(); !r.done; r = await reader.read()) total += r.value.length;
  expect(total).toBeGreaterThan(900_000);
});
