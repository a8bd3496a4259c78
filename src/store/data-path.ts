/** Paths stored relative to the data dir (media_files.path); a path that would leave the dir resolves to undefined. */
import { resolve, sep } from "node:path";

export function resolveInside(dataDir: string, relative: string): string | undefined {
  const root = resolve(dataDir);
  const full = resolve(root, relative);
  return full.startsWith(root + sep) ? full : undefined;
}
