import { describe, expect, test } from "bun:test";
import {
  RtpHeaderView, readSsrc, readSequenceNumber, readTimestamp, writeSsrc, writeSequenceNumber, writeTimestamp,
} from "../../../src/media/rtp/index.ts";
import { mediaFixture } from "../../support/media-fixtures.ts";

describe("RtpHeaderView reads the wire fields in place", () => {
  test("one-byte extension packet", () => {
    const buf = mediaFixture("rtp-one-byte-extension.bin");
    const v = new RtpHeaderView();
    expect(v.wrap(buf)).toBe(true);
    expect([v.version, v.padding, v.extension, v.csrcCount, v.marker, v.payloadType]).toEqual([2, false, true, 0, false, 96]);
    expect([v.sequenceNumber, v.timestamp, v.ssrc]).toEqual([1, 16, 0x11223344]);
    expect(v.extensionProfile).toBe(0xbede);
    expect([v.extensionOffset, v.extensionLength, v.headerLength, v.payloadOffset, v.payloadLength]).toEqual([16, 8, 24, 24, 2]);
    expect(buf.subarray(v.payloadOffset, v.payloadOffset + v.payloadLength)).toEqual(new Uint8Array([0xde, 0xad]));
  });

  test("CSRCs, two-byte extension and padding", () => {
    const buf = mediaFixture("rtp-two-byte-ext-csrc-padding.bin");
    const v = new RtpHeaderView();
    expect(v.wrap(buf)).toBe(true);
    expect([v.padding, v.extension, v.csrcCount, v.marker, v.payloadType]).toEqual([true, true, 2, true, 96]);
    expect([v.csrc(0), v.csrc(1)]).toEqual([0x01010101, 0x02020202]);
    expect(v.extensionProfile).toBe(0x1000);
    expect([v.headerLength, v.paddingLength, v.payloadLength]).toEqual([28, 3, 3]);
  });

  test("works on an offset inside a larger buffer and on a Node Buffer", () => {
    const inner = mediaFixture("rtp-one-byte-extension.bin");
    const big = Buffer.alloc(inner.length + 10);
    big.set(inner, 7);
    const v = new RtpHeaderView();
    expect(v.wrap(big, 7, inner.length)).toBe(true);
    expect(v.ssrc).toBe(0x11223344);
    expect(v.payloadOffset).toBe(7 + 24);
    expect(v.wrap(big, 7, big.length)).toBe(false); // length beyond the buffer
    expect(v.error).toBe("truncated");
  });

  test.each([
    ["invalid-rtp-truncated.bin", "truncated"],
    ["invalid-rtp-bad-version.bin", "bad-version"],
    ["invalid-rtp-padding-too-large.bin", "bad-padding"],
    ["invalid-rtp-padding-zero.bin", "bad-padding"],
    ["invalid-rtp-extension-overrun.bin", "bad-extension"],
    ["invalid-rtp-csrc-overrun.bin", "bad-csrc"],
  ])("%s is rejected as %s", (file, code) => {
    const v = new RtpHeaderView();
    expect(v.wrap(mediaFixture(file))).toBe(false);
    expect(v.error).toBe(code as never);
  });
});

describe("in-place rewrite", () => {
  test("setters change only their field", () => {
    const buf = mediaFixture("rtp-two-byte-ext-csrc-padding.bin");
    const before = buf.slice();
    const v = new RtpHeaderView();
    v.wrap(buf);
    v.ssrc = 0xfeedbeef;
    v.sequenceNumber = 0x1ffff; // wraps to 16 bits
    v.timestamp = 2 ** 32 + 5; // wraps to 32 bits
    v.payloadType = 111;
    expect([v.ssrc, v.sequenceNumber, v.timestamp, v.payloadType, v.marker]).toEqual([0xfeedbeef, 0xffff, 5, 111, true]);
    v.marker = false;
    expect(v.marker).toBe(false);
    expect(v.payloadType).toBe(111);
    expect(buf[0]).toBe(before[0]);
    expect(buf.subarray(12)).toEqual(before.subarray(12));
  });

  test("free functions agree with the view", () => {
    const buf = mediaFixture("rtp-one-byte-extension.bin");
    writeSsrc(buf, 0x80000001);
    writeSequenceNumber(buf, 65535);
    writeTimestamp(buf, 0xffffffff);
    expect([readSsrc(buf), readSequenceNumber(buf), readTimestamp(buf)]).toEqual([0x80000001, 65535, 0xffffffff]);
  });

});
