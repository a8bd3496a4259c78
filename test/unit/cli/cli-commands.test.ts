import { afterAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { existsSync, writeFileSync } from "node:fs";
import { runCli } from "../../support/run-cli.ts";
import { tempDir } from "../../support/temp-dir.ts";

// Each test spawns several CLI processes (argon2 hashing included): slow on a loaded 2-core box.
setDefaultTimeout(30_000);
const dir = tempDir();
afterAll(() => dir.cleanup());
const data = `${dir.path}/data`;

describe("avsplit command line", () => {
  test("--version and --help", async () => {
    expect((await runCli(["--version"])).stdout).toMatch(/^avsplit \d+\.\d+\.\d+\n$/);
    const help = await runCli(["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("avsplit serve [--config FILE]");
  });

  test("wrong commands and flags exit 2 naming the problem", async () => {
    const unknown = await runCli(["frobnicate"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command "frobnicate"');
    const flag = await runCli(["serve", "--port", "80"]);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain("--port");
    const format = await runCli(["audit", "export", "--format", "xml", "--data-dir", data]);
    expect(format.code).toBe(2);
    expect(format.stderr).toContain("--format must be csv or json");
  });

  test("serve with a bad config exits 1 naming file:line and creates nothing", async () => {
    const file = `${dir.path}/bad.toml`;
    const badData = `${dir.path}/never`;
    writeFileSync(file, `[node]\ndata_dir = "${badData}"\n\n[media]\nrtp_ports = "30000-20000"\nmedia_timeuot_s = 5\n`);
    const r = await runCli(["serve", "--config", file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${file}:5: media.rtp_ports port range 30000-20000 is empty or reversed`);
    expect(r.stderr).toContain(`${file}:6: unknown key "media.media_timeuot_s"`);
    expect(existsSync(badData)).toBe(false);
  });

  test("config check accepts the example and rejects a broken file", async () => {
    const ok = await runCli(["config", "check", "appliance/avsplit.example.toml"]);
    expect(ok).toMatchObject({ code: 0 });
    expect(ok.stdout).toContain("OK (3 trunks, 1 agents)");
    const file = `${dir.path}/broken.toml`;
    writeFileSync(file, "[sip\nlisten = 1\n");
    const bad = await runCli(["config", "check", file]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(`${file}:1:`);
  });

  test("user add / list / passwd, with the password on standard input", async () => {
    const add = await runCli(["user", "add", "chief", "--role", "admin", "--data-dir", data], { stdin: "correct horse battery\n" });
    expect(add).toMatchObject({ code: 0 });
    const dup = await runCli(["user", "add", "chief", "--role", "admin", "--data-dir", data], { stdin: "correct horse battery\n" });
    expect(dup.code).toBe(1);
    expect(dup.stderr).toContain('user "chief" already exists');
    const short = await runCli(["user", "add", "kid", "--role", "agent", "--data-dir", data], { stdin: "short\n" });
    expect(short.stderr).toContain("at least 10 characters");
    const badRole = await runCli(["user", "add", "x", "--role", "root", "--data-dir", data], { stdin: "whatever12345\n" });
    expect(badRole.code).toBe(2);
    expect((await runCli(["user", "passwd", "chief", "--data-dir", data], { stdin: "another long secret\n" })).code).toBe(0);
    const list = await runCli(["user", "list", "--data-dir", data]);
    expect(list.stdout).toBe("chief\tadmin\t-\tactive\n");
  });

  test("audit export and verify from the command line, and verify fails on an edited export", async () => {
    const out = `${dir.path}/audit.csv`;
    const exp = await runCli(["audit", "export", "--format", "csv", "--out", out, "--data-dir", data]);
    expect(exp.code).toBe(0);
    const ok = await runCli(["audit", "verify", out]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/OK, \d+ events/);
    expect((await runCli(["audit", "verify", "--data-dir", data])).code).toBe(0);
    const text = await Bun.file(out).text();
    writeFileSync(out, text.replace("user.added", "user.addeD"));
    const bad = await runCli(["audit", "verify", out]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain("seq 1: content altered");
  });

  test("backup then restore brings the users back", async () => {
    const file = `${dir.path}/backup.db`;
    expect((await runCli(["backup", "--out", file, "--data-dir", data])).code).toBe(0);
    const again = await runCli(["backup", "--out", file, "--data-dir", data]);
    expect(again.stderr).toContain("already exists");
    const fresh = `${dir.path}/fresh`;
    expect((await runCli(["restore", file, "--data-dir", fresh])).code).toBe(0);
    expect((await runCli(["user", "list", "--data-dir", fresh])).stdout).toContain("chief\tadmin");
    const junk = `${dir.path}/junk.db`;
    writeFileSync(junk, "not a database at all");
    const bad = await runCli(["restore", junk, "--data-dir", fresh]);
    expect(bad.code).toBe(1);
  });
});
