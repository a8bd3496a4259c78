/** A SeekableOutput on a new file (positional writes; the file must not exist yet). */
import { closeSync, openSync, writeSync } from "node:fs";
import type { SeekableOutput } from "./matroska-writer.ts";

export class FileOutput implements SeekableOutput {
  private fd: number | null;

  constructor(readonly path: string) {
    this.fd = openSync(path, "wx");
  }

  write(bytes: Uint8Array, position: number): void {
    if (this.fd === null) throw new Error(`${this.path} is closed`);
    let done = 0;
    while (done < bytes.length) done += writeSync(this.fd, bytes, done, bytes.length - done, position + done);
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}
