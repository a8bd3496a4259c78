import { afterAll, expect, test } from "bun:test";
import { closeSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { FileOutput } from "../../../src/media/recording/index.ts";
import { tempDir } from "../../support/temp-dir.ts";

const dir = tempDir("avsplit-file-output-");
afterAll(() => dir.cleanup());

test("queued positional writes land in order, a later rewrite of an earlier region included, by the time close() resolves", async () => {
  const path = join(dir.path, "ordered.bin");
  const out = new FileOutput(path);
  out.write(new Uint8Array([1, 1, 1, 1]), 0);
  out.write(new Uint8Array(64 << 10).fill(5), 4);
  out.write(new Uint8Array([9, 9]), 1); // the header rewritten after the body, as the Matroska writer does
  await out.close();
  const bytes = readFileSync(path);
  expect(bytes.length).toBe(4 + (64 << 10));
  expect([...bytes.subarray(0, 5)]).toEqual([1, 9, 9, 1, 5]);
  expect(() => out.write(new Uint8Array(1), 0)).toThrow("closed");
});

test("a write that fails is thrown by the next write and rejects close()", async () => {
  const out = new FileOutput(join(dir.path, "failing.bin"));
  const fd = Reflect.get(out, "fd") as number;
  Reflect.set(out, "fd", 1 << 20); // no such fd: the queued write fails with EBADF (a full disk cannot be had on demand)
  out.write(new Uint8Array([1]), 0);
  const closed = out.close();
  await expect(closed).rejects.toThrow(/EBADF|bad file/i);
  expect(() => out.write(new Uint8Array([1]), 0)).toThrow(/EBADF|bad file/i);
  closeSync(fd);
});

test("an existing file is not overwritten", () => {
  expect(() => new FileOutput(join(dir.path, "ordered.bin"))).toThrow("EEXIST");
});
