/**
 * Start-up configuration: embedded defaults < avsplit.toml (provisioned) < environment < command-line flags.
 * Settings an administrator changes in the console live in SQLite and apply only to keys the file does not provision.
 */
import { readFileSync } from "node:fs";
import { parse as parseToml, TomlError } from "smol-toml";
import type { z } from "zod";
import { ConfigError } from "./errors.ts";
import { locateKey } from "./locate.ts";
import { configSchema, type Config } from "./schema.ts";

export interface LoadedConfig {
  config: Config;
  /** Where it came from: a file path, or "embedded defaults". */
  source: string;
  /** Dotted keys present in the file ("sip.listen", "trunk"): read-only in the admin console. */
  provisioned: Set<string>;
}

export interface ConfigOverrides {
  dataDir?: string;
  logLevel?: string;
}

function formatIssue(issue: z.core.$ZodIssue, file: string, text: string): string[] {
  const where = (path: readonly PropertyKey[]) => {
    const line = locateKey(text, path);
    return line ? `${file}:${line}` : file;
  };
  const dotted = (path: readonly PropertyKey[]) =>
    path.map((p, i) => (typeof p === "number" ? `[${p}]` : (i ? "." : "") + String(p))).join("") || "(top level)";
  if (issue.code === "unrecognized_keys") {
    return issue.keys.map((k) => {
      const full = [...issue.path, k];
      return `${where(full)}: unknown key "${dotted(full)}"`;
    });
  }
  return [`${where(issue.path)}: ${dotted(issue.path)} ${issue.message}`];
}

export function validateConfig(raw: unknown, file: string, text: string): Config {
  const result = configSchema.safeParse(raw);
  if (result.success) return result.data;
  throw new ConfigError(result.error.issues.flatMap((i) => formatIssue(i, file, text)));
}

export function parseConfigText(text: string, file: string): LoadedConfig {
  let raw: Record<string, unknown>;
  try {
    raw = parseToml(text) as Record<string, unknown>;
  } catch (err) {
    if (err instanceof TomlError) throw new ConfigError([`${file}:${err.line}:${err.column}: ${err.message.split("\n")[0]}`]);
    throw err;
  }
  const provisioned = new Set<string>();
  for (const [section, value] of Object.entries(raw)) {
    if (value && typeof value === "object" && !Array.isArray(value)) {
      for (const key of Object.keys(value)) provisioned.add(`${section}.${key}`);
    } else provisioned.add(section);
  }
  return { config: validateConfig(raw, file, text), source: file, provisioned };
}

export function loadConfigFile(file: string): LoadedConfig {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new ConfigError([`${file}: cannot read config file (${(err as NodeJS.ErrnoException).code ?? String(err)})`]);
  }
  return parseConfigText(text, file);
}

export function embeddedDefaults(): LoadedConfig {
  return { config: configSchema.parse({}), source: "embedded defaults", provisioned: new Set() };
}

/** The one place that reads the environment: AVSPLIT_CONFIG, AVSPLIT_DATA_DIR, AVSPLIT_LOG_LEVEL. */
export function loadConfig(options: { file?: string } & ConfigOverrides = {}, env: NodeJS.ProcessEnv = process.env): LoadedConfig {
  const file = options.file ?? env.AVSPLIT_CONFIG;
  const loaded = file ? loadConfigFile(file) : embeddedDefaults();
  const dataDir = options.dataDir ?? env.AVSPLIT_DATA_DIR;
  const logLevel = options.logLevel ?? env.AVSPLIT_LOG_LEVEL;
  if (dataDir === undefined && logLevel === undefined) return loaded;
  const merged = { ...loaded.config, node: { ...loaded.config.node } };
  if (dataDir !== undefined) merged.node.data_dir = dataDir;
  if (logLevel !== undefined) merged.node.log_level = logLevel as Config["node"]["log_level"];
  const result = configSchema.safeParse(merged);
  if (!result.success) throw new ConfigError(result.error.issues.map((i) => `override: ${i.path.join(".")} ${i.message}`));
  return { ...loaded, config: result.data };
}
