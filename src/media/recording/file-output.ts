/**
 * A SeekableOutput on a new file (positional writes; the file must not exist yet). Writes are queued and done off the
 * event loop (node:fs's thread pool), in order: a recording's clusters must not stall the relay and SIP on the main
 * thread when the disk is slow. A failed write is thrown by the next write() and rejects close().
 */
import { closeSync, openSync, write } from "node:fs";
import type { SeekableOutput } from "./matroska-writer.ts";

export class FileOutput implements SeekableOutput {
  private fd: number | null;
  private queue: Promise<void> = Promise.resolve();
  private failure: Error | null = null;
  private closing: Promise<void> | null = null;

  /** Throws when the file exists or cannot be created. */
  constructor(readonly path: string) {
    this.fd = openSync(path, "wx");
  }

  write(bytes: Uint8Array, position: number): void {
    if (this.failure) throw this.failure;
    const fd = this.fd;
    if (fd === null || this.closing) throw new Error(`${this.path} is closed`);
    this.queue = this.queue.then(() => (this.failure ? undefined : writeAll(fd, bytes, position))).catch((err: Error) => {
      this.failure ??= err;
    });
  }

  /** Resolves when every queued write is on its way to the disk and the file is closed; rejects with the first failure. Idempotent. */
  close(): Promise<void> {
    this.closing ??= this.queue.then(() => {
      const fd = this.fd;
      this.fd = null;
      if (fd !== null) closeSync(fd);
      if (this.failure) throw this.failure;
    });
    return this.closing;
  }
}

function writeAll(fd: number, bytes: Uint8Array, position: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const step = (done: number) => {
      if (done >= bytes.length) return resolve();
      write(fd, bytes, done, bytes.length - done, position + done, (err, n) => (err ? reject(err) : step(done + n)));
    };
    step(0);
  });
}
