import { Database } from "bun:sqlite";
import { afterEach, expect, test } from "bun:test";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { consoleFixture } from "./console-fixture.ts";

let fx: ReturnType<typeof consoleFixture>;
afterEach(() => fx?.close());

const T0 = Date.parse("2026-11-20T08:00:00Z");

async function admin() {
  fx = consoleFixture();
  await fx.addUser("root", "admin");
  const client = fx.client();
  await client.signIn("root");
  return client;
}

const upload = async (client: Awaited<ReturnType<typeof admin>>, bytes: Uint8Array<ArrayBuffer>, name = "backup.db") => {
  const form = new FormData();
  form.set("_csrf", (await client.csrf("/console/system"))!);
  form.set("backup", new File([bytes], name));
  return client.request("/console/system/restore", { method: "POST", body: form });
};

test("the system page shows version, state and health links; only admins open it", async () => {
  const client = await admin();
  const page = await (await client.request("/console/system")).text();
  expect(page).toContain("0.0.0-test");
  expect(page).toContain('href="/metrics"');
  await fx.addUser("aud", "auditor");
  const auditor = fx.client();
  await auditor.signIn("aud");
  expect((await auditor.request("/console/system")).status).toBe(403);
  expect((await auditor.request("/console/system/backup", { method: "POST", form: { _csrf: (await auditor.csrf())! } })).status).toBe(403);
});

test("a backup is made online, listed, downloads as an intact avsplit database, and is audited", async () => {
  const client = await admin();
  fx.recordCall({ id: "b1", at: T0, caller: "13800000001", agent: "1001", endReason: "caller-bye" });
  expect((await client.request("/console/system/backup", { method: "POST", form: {} })).status).toBe(403); // no CSRF token
  const made = await client.request("/console/system/backup", { method: "POST", form: { _csrf: (await client.csrf("/console/system"))! } });
  expect(made.status).toBe(303);
  const name = /href="\/console\/system\/backups\/(backup-[^"]+\.db)"/.exec(await (await client.request("/console/system")).text())?.[1];
  expect(name).toBeDefined();
  const download = await client.request(`/console/system/backups/${name}`);
  expect(download.headers.get("content-disposition")).toContain(name!);
  const copy = join(fx.dataDir, "downloaded.db");
  await Bun.write(copy, await download.arrayBuffer());
  const db = new Database(copy, { readonly: true });
  expect(db.query<{ n: number }, []>("SELECT count(*) AS n FROM sessions WHERE id = 'b1'").get()!.n).toBe(1);
  expect(db.query<{ integrity_check: string }, []>("PRAGMA integrity_check").get()!.integrity_check).toBe("ok");
  db.close();
  const audited = [...fx.audit.rows()].find((r) => r.type === "system.backup");
  expect(JSON.parse(audited!.data)).toMatchObject({ file: name, sha256: new Bun.CryptoHasher("sha256").update(await Bun.file(copy).arrayBuffer()).digest("hex") });
  expect((await client.request("/console/system/backups/..%2Favsplit.db")).status).toBe(404);
});

test("a restore upload is checked, staged for the next start and audited; a non-database is refused", async () => {
  const client = await admin();
  const refused = await upload(client, new TextEncoder().encode("this is not a database at all, just text".repeat(200)), "evil.db");
  expect(refused.status).toBe(400);
  expect(await refused.text()).toContain("is not an SQLite database");
  expect(existsSync(join(fx.dataDir, "restore-pending.db"))).toBe(false);
  expect(readdirSync(fx.dataDir).filter((n) => n.startsWith("restore-upload-"))).toEqual([]);

  await client.request("/console/system/backup", { method: "POST", form: { _csrf: (await client.csrf("/console/system"))! } });
  const [name] = readdirSync(join(fx.dataDir, "backups"));
  const staged = await upload(client, new Uint8Array(await Bun.file(join(fx.dataDir, "backups", name!)).arrayBuffer()));
  expect(staged.status).toBe(200);
  expect(await staged.text()).toContain('id="restore-staged"');
  expect(existsSync(join(fx.dataDir, "restore-pending.db"))).toBe(true);
  expect([...fx.audit.rows()].some((r) => r.type === "system.restore-staged")).toBe(true);
});
