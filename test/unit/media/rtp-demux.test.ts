import { describe, expect, test } from "bun:test";
import { classifyPacket, isRtcpPayloadType } from "../../../src/media/rtp/index.ts";
import { hex, mediaFixture } from "../../support/media-fixtures.ts";

describe("RFC 7983 + RFC 5761 demultiplexing on the first bytes", () => {
  const withFirst = (b0: number, b1 = 0, len = 40) => { const x = new Uint8Array(len); x[0] = b0; x[1] = b1; return x; };

  test("STUN binding request (first byte 0..3)", () => {
    expect(classifyPacket(hex("0001 0000 2112a442 000102030405060708090a0b"))).toBe("stun");
    expect(classifyPacket(withFirst(3))).toBe("stun");
    expect(classifyPacket(withFirst(0, 1, 10))).toBe("unknown"); // shorter than a STUN header
  });
  test("ZRTP 16..19, DTLS 20..63, TURN channel 64..79", () => {
    expect(classifyPacket(withFirst(16))).toBe("zrtp");
    expect(classifyPacket(withFirst(22))).toBe("dtls"); // handshake
    expect(classifyPacket(withFirst(63))).toBe("dtls");
    expect(classifyPacket(withFirst(64))).toBe("turn-channel");
  });
  test("RTP vs RTCP by packet type 192..223", () => {
    expect(classifyPacket(mediaFixture("rtp-one-byte-extension.bin"))).toBe("rtp");
    expect(classifyPacket(mediaFixture("rtcp-sr-sdes-compound.bin"))).toBe("rtcp");
    expect(classifyPacket(mediaFixture("rtcp-pli-reduced-size.bin"))).toBe("rtcp");
    expect(classifyPacket(withFirst(0x80, 0xe0))).toBe("rtp"); // PT 96 with marker = 224
    expect(classifyPacket(withFirst(0x80, 0xbf))).toBe("rtp"); // 191: PT 63 with marker
    expect([191, 192, 223, 224].map(isRtcpPayloadType)).toEqual([false, true, true, false]);
  });
  test("everything else, and too-short packets, is unknown", () => {
    for (const b of [4, 15, 80, 127, 192, 255]) expect(classifyPacket(withFirst(b))).toBe("unknown");
    expect(classifyPacket(new Uint8Array(0))).toBe("unknown");
    expect(classifyPacket(withFirst(0x80, 0x00, 11))).toBe("unknown");
    expect(classifyPacket(withFirst(0x80, 0xc8, 7))).toBe("unknown");
  });
  test("honours offset and length", () => {
    const buf = new Uint8Array(50);
    buf.set(mediaFixture("rtp-one-byte-extension.bin"), 5);
    expect(classifyPacket(buf, 5, 26)).toBe("rtp");
    expect(classifyPacket(buf, 5, 3)).toBe("unknown");
  });
});
