/**
 * A restore staged in the console replaces the database at the next start, before anything opens it: the restored
 * rows are there, what was written after the backup is not (it stays in avsplit.db.before-restore), and the start
 * is audited as a restore.
 */
import { Database } from "bun:sqlite";
import { afterAll, expect, test } from "bun:test";
import { copyFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { parseConfigText } from "../../../src/config/load.ts";
import { Appliance } from "../../../src/main.ts";
import { backupTo, stageRestore } from "../../../src/store/backup.ts";
import { applianceToml } from "../../support/appliance-config.ts";
import { freeTcpPort, freeUdpTcpPort } from "../../support/free-port.ts";
import { tempDir } from "../../support/temp-dir.ts";

const dir = tempDir("avsplit-restore-");
afterAll(() => dir.cleanup());
const dataDir = join(dir.path, "data");

async function start(): Promise<Appliance> {
  const toml = applianceToml({ dataDir, sipPort: await freeUdpTcpPort(), httpsPort: await freeTcpPort(), rtpPorts: "40000-40099", ccPort: 5999 });
  return Appliance.start(parseConfigText(toml, "restore-test.toml"));
}

const eventTypes = (file: string) => {
  const db = new Database(file, { readonly: true });
  const types = db.query<{ type: string }, []>("SELECT type FROM events ORDER BY seq").all().map((r) => r.type);
  db.close();
  return types;
};

test("a staged restore is applied at the next start and audited; later rows are kept aside", async () => {
  const first = await start();
  first.audit.append({ type: "test.before-backup", actor: "test", data: {} });
  const backup = join(dir.path, "backup.db");
  backupTo(first.store.sqlite, backup);
  first.audit.append({ type: "test.after-backup", actor: "test", data: {} });
  await first.stop(0);

  const upload = join(dataDir, "upload.db");
  copyFileSync(backup, upload);
  stageRestore(upload, dataDir);
  const second = await start();
  await second.stop(0);

  const types = eventTypes(join(dataDir, "avsplit.db"));
  expect(types).toContain("test.before-backup");
  expect(types).not.toContain("test.after-backup");
  expect(types.slice(types.indexOf("test.before-backup"))).toEqual(["test.before-backup", "system.restored", "appliance.started", "appliance.stopped"]);
  expect(eventTypes(join(dataDir, "avsplit.db.before-restore"))).toContain("test.after-backup");
  expect(existsSync(join(dataDir, "restore-pending.db"))).toBe(false);
}, 30_000);
