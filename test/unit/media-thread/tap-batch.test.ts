import { expect, test } from "bun:test";
import { readTapBatch, TapBatchWriter } from "../../../src/media/thread/tap-batch.ts";

test("tapped packets cross in one buffer with their arrival times, and the writer grows past its first buffer", () => {
  const w = new TapBatchWriter();
  const sent = Array.from({ length: 200 }, (_, i) => new Uint8Array(100 + i).fill(i));
  sent.forEach((p, i) => w.add(p, 1000 + i / 4));
  const got: [number, number, number][] = [];
  readTapBatch(w.take(), (p, at) => got.push([p.length, p[0], at]));
  expect(got).toEqual(sent.map((p, i) => [p.length, i, 1000 + i / 4]));
  expect(w.empty).toBe(true);
});

test("a batch cut short is read up to its last whole record", () => {
  const w = new TapBatchWriter();
  w.add(new Uint8Array([1, 2, 3]), 5);
  w.add(new Uint8Array(50), 6);
  const whole = w.take();
  const got: number[] = [];
  readTapBatch(whole.slice(0, whole.byteLength - 10), (_p, at) => got.push(at));
  expect(got).toEqual([5]);
});
