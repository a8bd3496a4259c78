import { describe, expect, test } from "bun:test";
import {
  parseHeaderExtensions, RtpPacket, RtpParseError, serializeHeaderExtensions, TelephoneEvent,
} from "../../../src/media/rtp/index.ts";
import { hex, mediaFixture } from "../../support/media-fixtures.ts";

describe("RtpPacket.deSerialize / serialize", () => {
  test("one-byte extension elements (RFC 8285 §4.2) round-trip to the same bytes", () => {
    const buf = mediaFixture("rtp-one-byte-extension.bin");
    const p = RtpPacket.deSerialize(buf);
    expect(p.header.extensions.map((e) => [e.id, [...e.payload]])).toEqual([[1, [0xaa]], [2, [0xbb, 0xcc]]]);
    expect(p.payload).toEqual(hex("dead"));
    expect(p.serialize()).toEqual(buf);
  });

  test("CSRCs, two-byte extension and padding round-trip to the same bytes", () => {
    const buf = mediaFixture("rtp-two-byte-ext-csrc-padding.bin");
    const p = RtpPacket.deSerialize(buf);
    expect(p.header.csrc).toEqual([0x01010101, 0x02020202]);
    expect(p.header.extensionProfile).toBe(0x1000);
    expect(p.header.extensions.map((e) => [e.id, [...e.payload]])).toEqual([[5, [0xff]]]);
    expect([p.header.padding, p.header.paddingSize, p.header.marker]).toEqual([true, 3, true]);
    expect(p.payload).toEqual(hex("010203"));
    expect(p.serialize()).toEqual(buf);
  });

  test("unknown extension profiles are kept opaque", () => {
    const buf = hex("90000001 00000010 11223344 abcd0001 01020304 ff");
    const p = RtpPacket.deSerialize(buf);
    expect(p.header.extensions).toEqual([]);
    expect(p.header.extensionData).toEqual(hex("01020304"));
    expect(p.serialize()).toEqual(buf);
  });

  test("a packet built from fields serializes as RFC 3550 says", () => {
    const p = new RtpPacket({ payloadType: 0, sequenceNumber: 65535, timestamp: 160, ssrc: 0xdeadbeef, marker: true }, hex("ffff"));
    expect(p.serialize()).toEqual(hex("8080ffff 000000a0 deadbeef ffff"));
  });

  test.each(["invalid-rtp-truncated.bin", "invalid-rtp-bad-version.bin", "invalid-rtp-padding-too-large.bin",
    "invalid-rtp-extension-overrun.bin", "invalid-rtp-csrc-overrun.bin"])("%s throws RtpParseError", (f) => {
    expect(() => RtpPacket.deSerialize(mediaFixture(f))).toThrow(RtpParseError);
  });

  test("an extension element overrunning its block is a typed error", () => {
    const buf = hex("90000001 00000010 11223344 bede0001 3f000000"); // id 3 claims 16 bytes
    expect(() => RtpPacket.deSerialize(buf)).toThrow(RtpParseError);
  });
});

describe("RFC 8285 header extensions", () => {
  test("one-byte form is chosen when it fits, two-byte otherwise", () => {
    const small = serializeHeaderExtensions([{ id: 3, payload: hex("01") }]);
    expect(small.profile).toBe(0xbede);
    expect(small.data).toEqual(hex("30010000"));
    const big = serializeHeaderExtensions([{ id: 15, payload: hex("0102") }, { id: 2, payload: new Uint8Array(0) }]);
    expect(big.profile).toBe(0x1000);
    expect(big.data).toEqual(hex("0f020102 02000000"));
    expect(parseHeaderExtensions(big.profile, big.data).map((e) => [e.id, e.payload.length])).toEqual([[15, 2], [2, 0]]);
  });

  test("one-byte id 15 stops parsing; padding bytes are skipped", () => {
    expect(parseHeaderExtensions(0xbede, hex("0010aa f0 20bb")).map((e) => e.id)).toEqual([1]);
  });

  test("two-byte profile accepts any appbits", () => {
    expect(parseHeaderExtensions(0x100f, hex("0101ee00")).map((e) => e.id)).toEqual([1]);
  });
});

describe("RFC 4733 telephone-event", () => {
  test("parses digit, end bit, volume and duration", () => {
    const e = TelephoneEvent.deSerialize(hex("0b8a0320"));
    expect([e.event, e.digit, e.end, e.volume, e.duration]).toEqual([11, "#", true, 10, 800]);
    expect(e.serialize()).toEqual(hex("0b8a0320"));
  });
  test("non-DTMF events have no digit; short payloads are typed errors", () => {
    expect(new TelephoneEvent(16, false, 0, 0).digit).toBe("");
    expect(() => TelephoneEvent.deSerialize(hex("0b8a03"))).toThrow(RtpParseError);
  });
});
