/**
 * Applies settings stored from the admin console on top of the start-up config. A key the config file
 * provisions always wins (the console shows it read-only); stored values for it are ignored and reported.
 */
import { ConfigError } from "./errors.ts";
import type { LoadedConfig } from "./load.ts";
import { configSchema, type Config } from "./schema.ts";

export interface EffectiveConfig { config: Config; ignored: string[] }

export function applyConsoleSettings(loaded: LoadedConfig, stored: Record<string, unknown>): EffectiveConfig {
  const draft = structuredClone(loaded.config) as Record<string, unknown>;
  const ignored: string[] = [];
  for (const [key, value] of Object.entries(stored)) {
    const [section, name] = key.split(".");
    if (loaded.provisioned.has(key) || loaded.provisioned.has(section) || section === "node") { ignored.push(key); continue; }
    if (name === undefined) draft[section] = value;
    else draft[section] = { ...(draft[section] as Record<string, unknown>), [name]: value };
  }
  const result = configSchema.safeParse(draft);
  if (!result.success) throw new ConfigError(result.error.issues.map((i) => `stored setting ${i.path.join(".")}: ${i.message}`));
  return { config: result.data, ignored };
}
