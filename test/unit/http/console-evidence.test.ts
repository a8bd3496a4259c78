import { afterEach, describe, expect, test } from "bun:test";
import { strFromU8, strToU8, unzipSync, zipSync } from "fflate";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { verifyEvidenceBytes } from "../../../src/store/evidence-verify.ts";
import { runCli } from "../../support/run-cli.ts";
import { consoleFixture } from "./console-fixture.ts";

let fx: ReturnType<typeof consoleFixture>;
afterEach(() => fx?.close());

const T0 = Date.parse("2026-11-20T08:00:00Z");
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 4]);
const WEBM = new Uint8Array(300_000).map((_, i) => (i * 7) & 0xff);

/** Session e1 interleaved with e2 (another caller), a screenshot and a recording; returns an auditor's download. */
async function exported() {
  fx = consoleFixture();
  await fx.addUser("aud", "auditor");
  fx.recordCall({ id: "e1", at: T0, caller: "13800000001", displayName: "Zhang San", agent: "1001" });
  fx.recordCall({ id: "e2", at: T0 + 1000, caller: "13900000002", displayName: "Other Caller", agent: "1002", endReason: "caller-bye" });
  fx.endCall("e1", T0 + 90_000, "callcenter-bye");
  fx.addMedia("e1", "shot1", "screenshot", PNG, "image/png");
  fx.addMedia("e1", "rec1", "recording", WEBM, "video/webm");
  const auditor = fx.client();
  await auditor.signIn("aud");
  const res = await auditor.request("/console/sessions/e1/evidence.zip");
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toBe("application/zip");
  return new Uint8Array(await res.arrayBuffer());
}

const rezip = (files: Record<string, Uint8Array>) => zipSync(files);

describe("evidence package", () => {
  test("holds timeline JSON+CSV, chain segment, SIP trace, media and a manifest; verifies; the export is audited", async () => {
    const zip = await exported();
    const files = unzipSync(zip);
    expect(Object.keys(files).sort()).toEqual(["audit-chain.json", "manifest.json", "media/recording-rec1.webm", "media/screenshot-shot1.png", "sip-trace.txt", "timeline.csv", "timeline.json"]);
    expect(files["media/screenshot-shot1.png"]).toEqual(PNG);
    expect(files["media/recording-rec1.webm"]).toEqual(WEBM);
    const manifest = JSON.parse(strFromU8(files["manifest.json"]));
    for (const f of manifest.files) expect(new Bun.CryptoHasher("sha256").update(files[f.name]).digest("hex")).toBe(f.sha256);
    const chain = JSON.parse(strFromU8(files["audit-chain.json"]));
    const own = chain.rows.filter((r: { redacted?: boolean }) => !r.redacted);
    const redacted = chain.rows.filter((r: { redacted?: boolean }) => r.redacted);
    expect(own.every((r: { session_id: string }) => r.session_id === "e1")).toBe(true);
    expect(redacted.length).toBeGreaterThan(0); // e2's events sit between e1's first and last
    expect(strFromU8(files["audit-chain.json"])).not.toContain("Other Caller");
    expect(strFromU8(files["timeline.json"])).toContain("Zhang San");
    expect(strFromU8(files["timeline.csv"]).split("\r\n")[0]).toBe("seq,ts,time,type,actor,data");
    expect(strFromU8(files["sip-trace.txt"])).toContain("Call-ID: e1-cc@127.0.0.1");
    expect(strFromU8(files["sip-trace.txt"])).not.toContain("e2-");
    const report = await verifyEvidenceBytes(zip);
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
    const exportedEvent = [...fx.audit.rows()].find((r) => r.type === "evidence.exported");
    expect(JSON.parse(exportedEvent!.data).manifest_sha256).toBe(new Bun.CryptoHasher("sha256").update(files["manifest.json"]).digest("hex"));
  });

  test("editing one byte of a chain row names the file and the row", async () => {
    const files = unzipSync(await exported());
    const text = strFromU8(files["audit-chain.json"]);
    const target = JSON.parse(text).rows.find((r: { type?: string }) => r.type === "session.bound");
    files["audit-chain.json"] = strToU8(text.replace('\\"agentId\\":\\"1001\\"', '\\"agentId\\":\\"1009\\"'));
    const report = await verifyEvidenceBytes(rezip(files));
    expect(report.ok).toBe(false);
    expect(report.problems).toContain("audit-chain.json: altered (SHA-256 differs from the manifest)");
    expect(report.problems).toContain(`audit-chain.json: seq ${target.seq}: content altered (hash does not match the row)`);
  });

  test("a segment too large to parse whole is verified line by line, with the same findings", async () => {
    const zip = await exported();
    const lineMode = { maxWholeChainBytes: 0 };
    const good = await verifyEvidenceBytes(zip, lineMode);
    expect(good.problems).toEqual([]);
    expect(good.rows).toBe((await verifyEvidenceBytes(zip)).rows);
    const files = unzipSync(zip);
    const text = strFromU8(files["audit-chain.json"]);
    const lines = text.split("\n");
    const i = lines.findIndex((l) => l.includes('"type":"session.bound"'));
    const seq = JSON.parse(lines[i].replace(/,$/, "")).seq;
    lines[i] = lines[i].replace('"actor":"system"', '"actor":"systen"');
    const removed = JSON.parse(lines[i + 1].replace(/,$/, "")).seq;
    lines.splice(i + 1, 1);
    files["audit-chain.json"] = strToU8(lines.join("\n"));
    const bad = await verifyEvidenceBytes(rezip(files), lineMode);
    expect(bad.problems).toContain(`audit-chain.json: seq ${seq}: content altered (hash does not match the row)`);
    expect(bad.problems.some((p) => p.startsWith(`audit-chain.json: seq ${removed}: removed`))).toBe(true);
    files["audit-chain.json"] = strToU8(JSON.stringify(JSON.parse(text))); // valid JSON, but one line
    expect((await verifyEvidenceBytes(rezip(files), lineMode)).problems.some((p) => p.startsWith("audit-chain.json: too large to read whole and not one row per line"))).toBe(true);
  });

  test("deleting a chain row names the removed seq", async () => {
    const files = unzipSync(await exported());
    const doc = JSON.parse(strFromU8(files["audit-chain.json"]));
    const victim = doc.rows[3];
    doc.rows.splice(3, 1);
    files["audit-chain.json"] = strToU8(JSON.stringify(doc));
    const report = await verifyEvidenceBytes(rezip(files));
    expect(report.ok).toBe(false);
    expect(report.problems.some((p) => p.startsWith(`audit-chain.json: seq ${victim.seq}: removed`))).toBe(true);
  });

  test("a re-hashed manifest does not hide an altered timeline or screenshot", async () => {
    const files = unzipSync(await exported());
    files["timeline.json"] = strToU8(strFromU8(files["timeline.json"]).replaceAll('\\"reason\\":\\"callcenter-bye\\"', '\\"reason\\":\\"caller-bye\\"'));
    files["media/screenshot-shot1.png"] = PNG.map((b, i) => (i === 9 ? b ^ 1 : b));
    const manifest = JSON.parse(strFromU8(files["manifest.json"]));
    for (const f of manifest.files) { f.sha256 = new Bun.CryptoHasher("sha256").update(files[f.name]).digest("hex"); f.bytes = files[f.name].length; }
    files["manifest.json"] = strToU8(JSON.stringify(manifest));
    const report = await verifyEvidenceBytes(rezip(files));
    expect(report.ok).toBe(false);
    expect(report.problems.some((p) => /^timeline\.json: event seq \d+ differs from the audit chain$/.test(p))).toBe(true);
    expect(report.problems).toContain("media/screenshot-shot1.png: differs from the SHA-256 recorded at capture");
  });

  test("a file missing from the package or added to it is named; a non-zip is refused", async () => {
    const files = unzipSync(await exported());
    delete files["sip-trace.txt"];
    files["extra.txt"] = strToU8("hello");
    const report = await verifyEvidenceBytes(rezip(files));
    expect(report.problems).toContain("sip-trace.txt: missing from the package (listed in the manifest)");
    expect(report.problems).toContain("extra.txt: not listed in the manifest (added)");
    await expect(verifyEvidenceBytes(strToU8("PK\x03\x04garbage"))).rejects.toThrow("no files in the zip");
  });

  test("only audit:export roles download it (supervisor 403); unknown session 404", async () => {
    fx = consoleFixture();
    await fx.addUser("sup", "supervisor");
    await fx.addUser("adm", "admin");
    fx.recordCall({ id: "r1", at: T0, caller: "1", endReason: "caller-bye" });
    const sup = fx.client();
    await sup.signIn("sup");
    expect((await sup.request("/console/sessions/r1/evidence.zip")).status).toBe(403);
    expect(await (await sup.request("/console/sessions/r1")).text()).not.toContain("evidence.zip");
    const adm = fx.client();
    await adm.signIn("adm");
    expect((await adm.request("/console/sessions/r1/evidence.zip")).status).toBe(200);
    expect((await adm.request("/console/sessions/nope/evidence.zip")).status).toBe(404);
  });

  test("`avsplit audit verify FILE.zip` passes an intact package and fails an altered one, naming the row", async () => {
    const zip = await exported();
    const good = join(fx.dataDir, "good.zip");
    writeFileSync(good, zip);
    const ok = await runCli(["audit", "verify", good]);
    expect(ok.stdout).toContain(": OK");
    expect(ok.code).toBe(0);
    const files = unzipSync(zip);
    const doc = JSON.parse(strFromU8(files["audit-chain.json"]));
    const row = doc.rows.find((r: { redacted?: boolean }) => !r.redacted);
    row.actor = "intruder";
    files["audit-chain.json"] = strToU8(JSON.stringify(doc));
    const bad = join(fx.dataDir, "bad.zip");
    writeFileSync(bad, rezip(files));
    const failed = await runCli(["audit", "verify", bad]);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toContain("FAILED");
    expect(failed.stdout).toContain(`audit-chain.json: seq ${row.seq}: content altered`);
  }, 20_000); // two CLI processes: slow when CI runs test files side by side
});
