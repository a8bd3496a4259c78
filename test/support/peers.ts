/** The shared third-party peer kit (../shared/peers beside the repository; AVSPLIT_PEERS overrides). */
import { existsSync } from "node:fs";
import { resolve } from "node:path";

export const PEERS = process.env.AVSPLIT_PEERS ?? resolve(import.meta.dir, "../../../shared/peers");

export function havePeers(): boolean {
  return existsSync(`${PEERS}/sipp/uas_callcenter.xml`);
}
