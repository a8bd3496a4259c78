import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { parseConfigText } from "../../../src/config/load.ts";
import type { TrunkConfig } from "../../../src/config/schema.ts";
import { AuditLog } from "../../../src/store/audit-log.ts";
import { openStore, type Store } from "../../../src/store/db.ts";
import { syncProvisioned } from "../../../src/store/provisioning.ts";
import { TrunkDirectory } from "../../../src/store/trunk-directory.ts";
import { TEST_CONFIG } from "../http/console-fixture.ts";

const PROVISIONED = parseConfigText(TEST_CONFIG, "avsplit.toml").config.trunk; // sbc (caller) and cc (callcenter)

const consoleTrunk = (name: string, uri: string, extra: Partial<TrunkConfig> = {}): TrunkConfig => ({
  ...parseConfigText(`[[trunk]]\nname = "${name}"\nrole = "callcenter"\nuri = "${uri}"\n`, "x.toml").config.trunk[0],
  ...extra,
});

let store: Store;
let audit: AuditLog;
let trunks: TrunkDirectory;
let changes: number;

beforeEach(() => {
  store = openStore(":memory:");
  audit = new AuditLog(store.sqlite);
  syncProvisioned(store.db, { trunks: PROVISIONED, agents: [] });
  trunks = new TrunkDirectory(store.db, audit);
  changes = 0;
  trunks.on("changed", () => changes++);
});
afterEach(() => store.close());

const audited = () => [...audit.rows()].filter((r) => r.type.startsWith("config.trunk_")).map((r) => ({ type: r.type, actor: r.actor, data: JSON.parse(r.data) }));

describe("console trunks", () => {
  test("added, edited and removed: stored, listed newest first, audited without the password, announced", () => {
    trunks.save(consoleTrunk("cc-a", "sip:110@127.0.0.1:6000"), "admin");
    trunks.save(consoleTrunk("cc-b", "sip:110@127.0.0.1:6001", { auth_user: "avsplit", auth_password: "pw-1" }), "admin");
    expect(trunks.consoleTrunks().map((t) => t.name)).toEqual(["cc-b", "cc-a"]);
    expect(trunks.get("cc-b")).toMatchObject({ provisioned: false, role: "callcenter", state: "unknown" });

    expect(trunks.save(consoleTrunk("cc-a", "sip:110@127.0.0.1:6002"), "ops")).toBe("updated");
    expect(trunks.consoleTrunks()[0]).toMatchObject({ name: "cc-a", uri: "sip:110@127.0.0.1:6002" });
    trunks.remove("cc-b", "ops");
    expect(trunks.consoleTrunks().map((t) => t.name)).toEqual(["cc-a"]);
    expect(trunks.list().map((t) => t.name)).toEqual(["cc", "cc-a", "sbc"]);
    expect(changes).toBe(4);

    const events = audited();
    expect(events.map((e) => [e.type, e.actor])).toEqual([["config.trunk_added", "admin"], ["config.trunk_added", "admin"], ["config.trunk_updated", "ops"], ["config.trunk_removed", "ops"]]);
    expect(events[1].data).toMatchObject({ name: "cc-b", auth_user: "avsplit", auth_password: "(secret)" });
    expect(events[2].data.from.uri).toBe("sip:110@127.0.0.1:6000");
    expect(events[2].data.to.uri).toBe("sip:110@127.0.0.1:6002");
    expect(JSON.stringify(events)).not.toContain("pw-1");
  });

  test("a provisioned trunk cannot be replaced or removed from the console", () => {
    expect(() => trunks.save(consoleTrunk("cc", "sip:110@127.0.0.1:6000"), "admin")).toThrow('trunk "cc" is provisioned by the config file (read-only)');
    expect(() => trunks.remove("sbc", "admin")).toThrow('trunk "sbc" is provisioned by the config file (read-only)');
    expect(() => trunks.remove("nope", "admin")).toThrow('no trunk "nope"');
    expect(trunks.get("cc")?.config).toMatchObject({ uri: "sip:110@127.0.0.1:5070" });
    expect(audited()).toEqual([]);
    expect(changes).toBe(0);
  });

  test("console trunks survive a restart's re-provisioning; a provisioned trunk of the same name takes over the row", () => {
    trunks.save(consoleTrunk("cc-a", "sip:110@127.0.0.1:6000"), "admin");
    trunks.save(consoleTrunk("cc-b", "sip:110@127.0.0.1:6001"), "admin");
    syncProvisioned(store.db, { trunks: [...PROVISIONED, consoleTrunk("cc-b", "sip:110@10.0.0.9")], agents: [] });
    expect(trunks.consoleTrunks().map((t) => t.name)).toEqual(["cc-a"]);
    expect(trunks.get("cc-b")).toMatchObject({ provisioned: true, config: { uri: "sip:110@10.0.0.9" } });
  });
});
