import { describe, expect, test } from "bun:test";
import { ConfigError } from "../../../src/config/errors.ts";
import { embeddedDefaults, loadConfig, loadConfigFile, parseConfigText } from "../../../src/config/load.ts";

const EXAMPLE = `${import.meta.dir}/../../../appliance/avsplit.example.toml`;

function problemsOf(text: string): string[] {
  try {
    parseConfigText(text, "avsplit.toml");
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error("config was accepted");
}

describe("config file", () => {
  test("the shipped example parses with its documented values", () => {
    const { config, provisioned } = loadConfigFile(EXAMPLE);
    expect(config.node.id).toBe("avsplit-1");
    expect(config.sip.listen).toEqual(["udp:0.0.0.0:5060", "tcp:0.0.0.0:5060"]);
    expect(config.sip.session_expires_s).toBe(1800);
    expect(config.media.rtp_ports).toBe("20000-29999");
    expect(config.trunk.map((t) => [t.name, t.role])).toEqual([["sbc", "caller"], ["voice-cc", "callcenter"], ["parties", "party"]]);
    expect(config.trunk[1].agent_from).toBe("header:X-Agent-Id");
    expect(config.trunk[2].transport).toBe("udp");
    expect(config.agent[0]).toEqual({ id: "1001", name: "Agent 1001", token: "" });
    expect(config.sms.text).toContain("{link}");
    expect(provisioned.has("sip.listen")).toBe(true);
    expect(provisioned.has("trunk")).toBe(true);
  });

  test("embedded defaults equal the documented defaults", () => {
    const { config, source } = embeddedDefaults();
    expect(source).toBe("embedded defaults");
    expect(config.node.data_dir).toBe("./data");
    expect(config.http.listen).toBe("0.0.0.0:8443");
    expect(config.sip.untrusted_source).toBe("drop");
    expect(config.recording).toEqual({ mode: "all", retention_days: 180, max_disk_gb: 100 });
    expect(config.trunk).toEqual([]);
  });

  test("an unknown key is named with its line", () => {
    expect(problemsOf(`[sip]\nlisten = ["udp:0.0.0.0:5060"]\nlisten_port = 5060\n`)).toEqual([`avsplit.toml:3: unknown key "sip.listen_port"`]);
    expect(problemsOf(`[sipp]\nx = 1\n`)).toEqual([`avsplit.toml:1: unknown key "sipp"`]);
    expect(problemsOf(`[[trunk]]\nname = "a"\nrole = "caller"\nalow = []\n`)).toEqual([`avsplit.toml:4: unknown key "trunk[0].alow"`]);
  });

  test("a wrong type is named with its line", () => {
    const [p] = problemsOf(`[media]\nmedia_timeout_s = "30"\n`);
    expect(p).toStartWith("avsplit.toml:2: media.media_timeout_s");
    expect(p).toContain("expected number");
  });

  test("a bad port range says what is wrong", () => {
    expect(problemsOf(`[media]\nrtp_ports = "30000-20000"\n`)).toEqual([`avsplit.toml:2: media.rtp_ports port range 30000-20000 is empty or reversed`]);
    expect(problemsOf(`[media]\nrtp_ports = "80-200"\n`)[0]).toContain("must lie within 1024-65535");
    expect(problemsOf(`[media]\nrtp_ports = "lots"\n`)[0]).toContain(`is not a port range`);
  });

  test("a bad CIDR names the trunk entry and line", () => {
    const text = `[[trunk]]\nname = "sbc"\nrole = "caller"\n\n[[trunk]]\nname = "cc"\nrole = "callcenter"\nuri = "sip:110@10.0.0.1"\nallow = ["10.0.0.0/33"]\n`;
    expect(problemsOf(text)).toEqual([`avsplit.toml:9: trunk[1].allow[0] is not an IP address or CIDR (e.g. 10.0.0.0/8)`]);
  });

  test("cross-field rules: uri required for callcenter trunks, names unique", () => {
    const problems = problemsOf(`[[trunk]]\nname = "cc"\nrole = "callcenter"\n[[trunk]]\nname = "cc"\nrole = "caller"\n`);
    expect(problems).toContain(`avsplit.toml:1: trunk[0].uri is required for a callcenter trunk`);
    expect(problems).toContain(`avsplit.toml:5: trunk[1].name duplicates trunk[0] "cc"`);
  });

  test("bad listen specs and TOML syntax errors give file:line", () => {
    expect(problemsOf(`[sip]\nlisten = ["udp:0.0.0.0:70000"]\n`)).toEqual([`avsplit.toml:2: sip.listen[0] port 70000 is out of range 1-65535`]);
    expect(problemsOf(`[sip]\nlisten = ["sctp:0.0.0.0:5060"]\n`)[0]).toContain("is not transport:host:port");
    expect(problemsOf(`[node]\n\nid = \n`)[0]).toMatch(/^avsplit\.toml:3:\d+: /);
  });

  test("a missing file is a clear error", () => {
    expect(() => loadConfigFile("/nonexistent/avsplit.toml")).toThrow("/nonexistent/avsplit.toml: cannot read config file (ENOENT)");
  });

  test("flags win over the environment, which wins over the file", () => {
    const env = { AVSPLIT_CONFIG: EXAMPLE, AVSPLIT_DATA_DIR: "/env/data", AVSPLIT_LOG_LEVEL: "debug" };
    expect(loadConfig({}, env).config.node.data_dir).toBe("/env/data");
    expect(loadConfig({ dataDir: "/flag/data" }, env).config.node.data_dir).toBe("/flag/data");
    expect(loadConfig({}, env).config.node.log_level).toBe("debug");
    expect(() => loadConfig({ logLevel: "loud" }, {})).toThrow(ConfigError);
  });
});
