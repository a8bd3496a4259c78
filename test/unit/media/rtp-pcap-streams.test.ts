import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { classifyPacket, RtpHeaderView, RtpPacket } from "../../../src/media/rtp/index.ts";
import { parsePcap, PcapError, readPcapFile, writePcap } from "../../support/pcap.ts";
import { MEDIA_FIXTURES } from "../../support/media-fixtures.ts";

const pcmu = readPcapFile(join(MEDIA_FIXTURES, "pcmu_rtp.pcap"));
const h264 = readPcapFile(join(MEDIA_FIXTURES, "h264_rtp.pcap"));

describe("real RTP captures (ffmpeg via sipp pcap, Ethernet link type)", () => {
  test("PCMU: 500 packets, one SSRC, continuous sequence, 160-sample steps, PT 0", () => {
    expect(pcmu.length).toBe(500);
    const v = new RtpHeaderView();
    const ssrcs = new Set<number>();
    let prev: { seq: number; ts: number } | null = null;
    for (const d of pcmu) {
      expect(classifyPacket(d.payload)).toBe("rtp");
      expect(v.wrap(d.payload)).toBe(true);
      expect(v.payloadType).toBe(0);
      expect(v.payloadLength).toBe(160);
      ssrcs.add(v.ssrc);
      if (prev) {
        expect(v.sequenceNumber).toBe((prev.seq + 1) & 0xffff);
        expect((v.timestamp - prev.ts) >>> 0).toBe(160);
      }
      prev = { seq: v.sequenceNumber, ts: v.timestamp };
    }
    expect(ssrcs.size).toBe(1);
  });

  test("H.264: 810 packets to port 41002, PT 97, marker only at frame ends, every packet round-trips byte-exact", () => {
    expect(h264.length).toBe(810);
    const v = new RtpHeaderView();
    let markers = 0;
    const timestamps = new Set<number>();
    for (const d of h264) {
      expect(d.dstPort).toBe(41002);
      expect(v.wrap(d.payload)).toBe(true);
      expect(v.payloadType).toBe(97);
      if (v.marker) markers++;
      timestamps.add(v.timestamp);
      expect(RtpPacket.deSerialize(d.payload).serialize()).toEqual(d.payload);
    }
    expect(markers).toBe(timestamps.size); // one marked packet per picture
  });
});

describe("test/support/pcap.ts link types", () => {
  const sample = pcmu.slice(0, 5);
  test.each([[1, "Ethernet"], [0, "BSD loopback"], [113, "Linux cooked"]] as const)("link type %d (%s) yields the same datagrams", (lt) => {
    const back = parsePcap(writePcap(sample, lt));
    expect(back.map((d) => [d.src, d.srcPort, d.dst, d.dstPort, d.timeUs])).toEqual(sample.map((d) => [d.src, d.srcPort, d.dst, d.dstPort, d.timeUs]));
    expect(back.map((d) => d.payload)).toEqual(sample.map((d) => d.payload));
  });
  test("raw IPv6 (101), SLL2 (276), OpenBSD loop (108), 802.1Q Ethernet, big-endian nanosecond files", () => {
    const udp = [0x13, 0x88, 0x13, 0x89, 0x00, 0x0b, 0x00, 0x00, 0xaa, 0xbb, 0xcc]; // 5000 -> 5001, 3 bytes
    const ipv6 = [0x60, 0, 0, 0, 0x00, udp.length, 17, 64, ...new Array(15).fill(0), 1, ...new Array(15).fill(0), 1, ...udp];
    const ipv4 = [0x45, 0, 0, 20 + udp.length, 0, 0, 0, 0, 64, 17, 0, 0, 127, 0, 0, 1, 127, 0, 0, 2, ...udp];
    const file = (linkType: number, frame: number[], bigEndianNs = false) => {
      const b = new DataView(new ArrayBuffer(24 + 16 + frame.length));
      const le = !bigEndianNs;
      b.setUint32(0, bigEndianNs ? 0xa1b23c4d : 0xa1b2c3d4, le);
      b.setUint32(20, linkType, le);
      b.setUint32(24, 10, le);
      b.setUint32(28, bigEndianNs ? 5000 : 5, le);
      b.setUint32(32, frame.length, le);
      b.setUint32(36, frame.length, le);
      frame.forEach((x, i) => b.setUint8(40 + i, x));
      return new Uint8Array(b.buffer);
    };
    const check = (bytes: Uint8Array, src: string) => {
      const [d] = parsePcap(bytes);
      expect([d.src, d.srcPort, d.dstPort, [...d.payload], d.timeUs]).toEqual([src, 5000, 5001, [0xaa, 0xbb, 0xcc], 10_000_005]);
    };
    check(file(101, ipv6), "0:0:0:0:0:0:0:1");
    check(file(276, [0x86, 0xdd, ...new Array(18).fill(0), ...ipv6]), "0:0:0:0:0:0:0:1");
    check(file(108, [0, 0, 0, 2, ...ipv4]), "127.0.0.1");
    check(file(1, [...new Array(12).fill(0), 0x81, 0x00, 0, 5, 0x08, 0x00, ...ipv4]), "127.0.0.1");
    check(file(101, ipv4, true), "127.0.0.1");
    expect(() => parsePcap(file(147, ipv4))).toThrow(PcapError);
  });

  test("pcapng and truncated files are rejected with PcapError", () => {
    expect(() => parsePcap(new Uint8Array([0x0a, 0x0d, 0x0d, 0x0a, ...new Array(30).fill(0)]))).toThrow(PcapError);
    const full = writePcap(sample);
    expect(() => parsePcap(full.subarray(0, full.length - 3))).toThrow(PcapError);
  });
});
