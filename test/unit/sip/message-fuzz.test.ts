/** Fuzz: 20k mutated VoLTE INVITEs never escape as anything but SipParseError, and memory stays bounded. */
import { expect, test } from "bun:test";
import { parseMessage, SipParseError } from "../../../src/sip/message/index.ts";
import { exercise, fuzzCase } from "./message-fuzz-cases.ts";

const CASES = 20_000;

test(`${CASES} mutated INVITEs: only SipParseError or success, heap bounded`, () => {
  const counts = { parsed: 0, rejected: 0 };
  Bun.gc(true);
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < CASES; i++) {
    const data = fuzzCase(i);
    try {
      counts[exercise(data)]++;
    } catch (err) {
      throw new Error(`case ${i} (${data.length} bytes): ${(err as Error).stack}`);
    }
  }
  Bun.gc(true);
  const grown = process.memoryUsage().heapUsed - before;
  // both paths are exercised in earnest
  expect(counts.parsed).toBeGreaterThan(CASES / 20);
  expect(counts.rejected).toBeGreaterThan(CASES / 4);
  expect(grown).toBeLessThan(32 * 1024 * 1024);
}, 60_000);

test("pathological 64 KiB inputs parse or fail in linear time (no regex or quadratic blow-ups)", () => {
  const head = "INVITE sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:b@c>\r\nCall-ID: x\r\nCSeq: 1 INVITE\r\n";
  const fill = (unit: string, size = 60_000) => unit.repeat(Math.ceil(size / unit.length)).slice(0, size);
  const cases = [
    `Contact: ${fill("<")}`, `Contact: ${fill('"')}`, `Contact: ${fill(";")}`, `Via: ${fill(",")}`,
    `Via: SIP/2.0/UDP h${fill(";a=b")}`, `From: ${fill('"\\')}`, `CSeq: ${fill("1")} INVITE`, `Content-Length: ${fill("9")}`,
    `X: ${fill("a\r\n ")}`, fill("X: y\r\n"), `Contact: ${fill("<sip:a@b>,")}`, `To: <sip:${fill("%41")}@b>`,
    fill("X: y\n"), `Contact: <sip:a@b>${fill(';p="x"')};q="\\\\"`, `Contact: <sip:a@b${fill(";lr")};x=1>`,
  ];
  const limits = { maxHeaderLength: 65535, maxHeaders: 20_000 };
  for (const c of cases) {
    const data = new TextEncoder().encode(`${head}${c}\r\n\r\n`);
    const t0 = performance.now();
    for (const lim of [undefined, limits]) {
      try {
        const m = parseMessage(data, lim);
        for (const get of [() => m.contact, () => m.vias, () => m.from, () => m.to]) {
          try {
            get();
          } catch (err) {
            if (!(err instanceof SipParseError)) throw err;
          }
        }
      } catch (err) {
        if (!(err instanceof SipParseError)) throw err;
      }
    }
    expect(performance.now() - t0).toBeLessThan(250);
  }
});
