/** Loads binary fixtures of test/fixtures/media. */
import { readFileSync } from "node:fs";
import { join } from "node:path";

export const MEDIA_FIXTURES = join(import.meta.dir, "..", "fixtures", "media");

export function mediaFixture(name: string): Uint8Array {
  return new Uint8Array(readFileSync(join(MEDIA_FIXTURES, name)));
}

export function hex(s: string): Uint8Array {
  return new Uint8Array(Buffer.from(s.replace(/\s+/g, ""), "hex"));
}
