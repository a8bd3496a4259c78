import { expect, test } from "bun:test";
import { join } from "node:path";
import { classifyPacket } from "../../../src/media/rtp/index.ts";
import { parseRtcp, type RtcpPacket, serializeRtcp } from "../../../src/media/rtcp/index.ts";
import { readPcapFile } from "../../support/pcap.ts";
import { MEDIA_FIXTURES } from "../../support/media-fixtures.ts";

// baresip 1.0.0 <-> baresip A/V call on loopback (RTCP on RTP+1), captured with dumpcap; tshark reads the same 14 packets
// as: 4 APP, 6 SR+SDES(CNAME), 4 BYE("Adjo")+SDES.
const datagrams = readPcapFile(join(MEDIA_FIXTURES, "baresip_rtcp.pcap"));

test("every RTCP datagram from baresip parses and re-serializes byte-exact", () => {
  expect(datagrams.length).toBe(14);
  const shapes = datagrams.map((d) => {
    expect(classifyPacket(d.payload)).toBe("rtcp");
    const packets = parseRtcp(d.payload);
    expect(serializeRtcp(packets)).toEqual(d.payload);
    return packets.map((p) => p.type).join("+");
  });
  const count = (s: string) => shapes.filter((x) => x === s).length;
  expect([count("app"), count("sr+sdes"), count("bye+sdes")]).toEqual([4, 6, 4]);
});

test("CNAMEs, SR report blocks and BYE reasons carry baresip's values", () => {
  const all: RtcpPacket[] = datagrams.flatMap((d) => parseRtcp(d.payload));
  const cnames = new Set(all.flatMap((p) => (p.type === "sdes" && p.cname ? [p.cname] : [])));
  expect(cnames).toEqual(new Set(["sip:a@127.0.0.1:15362", "sip:b@127.0.0.1:15370"]));
  for (const p of all) {
    if (p.type === "sr") {
      expect(p.reports.length).toBe(1);
      expect(p.packetCount).toBeGreaterThan(0);
    }
    if (p.type === "bye") expect(p.reason).toBe("Adjo");
  }
});
