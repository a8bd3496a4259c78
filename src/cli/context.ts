/** What every command needs: the resolved config and, for most, the store. */
import { loadConfig, type LoadedConfig } from "../config/load.ts";
import { databasePath } from "../main.ts";
import { openStore, type Store } from "../store/db.ts";

export interface CommonFlags { config?: string; "data-dir"?: string; "log-level"?: string }

export const COMMON_OPTIONS = {
  config: { type: "string" },
  "data-dir": { type: "string" },
  "log-level": { type: "string" },
} as const;

export function resolveConfig(flags: CommonFlags): LoadedConfig {
  return loadConfig({ file: flags.config, dataDir: flags["data-dir"], logLevel: flags["log-level"] });
}

export async function withStore<T>(flags: CommonFlags, fn: (store: Store, loaded: LoadedConfig) => Promise<T>): Promise<T> {
  const loaded = resolveConfig(flags);
  const store = openStore(databasePath(loaded.config.node.data_dir));
  try {
    return await fn(store, loaded);
  } finally {
    store.close();
  }
}
