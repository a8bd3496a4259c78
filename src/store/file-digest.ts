/** SHA-256 and size of a file, read as a stream (recordings and backups can be large). */
import { streamChunks } from "./evidence.ts";

export async function fileDigest(path: string): Promise<{ sha256: string; bytes: number }> {
  const hash = new Bun.CryptoHasher("sha256");
  let bytes = 0;
  for await (const chunk of streamChunks(Bun.file(path).stream())) {
    hash.update(chunk);
    bytes += chunk.length;
  }
  return { sha256: hash.digest("hex"), bytes };
}
