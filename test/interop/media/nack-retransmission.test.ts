/**
 * Packets really lost on the way out of avsplit come back when the receiver NACKs them:
 * - SIP side: real H.264 RTP (the sipp pcap) from a sender socket through MediaEndpoint -> Bridge -> MediaEndpoint
 *   to a UDP receiver that drops every 10th packet on first arrival and NACKs the gaps it sees (RTCP on the +1 port);
 *   the leg resends from its retransmission cache, byte for byte; a NACK for a packet never sent is reported for
 *   forwarding instead.
 * - Browser side: the lean SRTP path of an AgentVideoLeg to a werift browser whose socket drops every 10th SRTP
 *   packet; werift's receiver NACKs (nack is negotiated) and every packet reaches its track.
 * Loopback only.
 */
import { afterEach, expect, test } from "bun:test";
import { GenericNack, serializeRtcp, RtcpReceiverReport } from "../../../src/media/rtcp/index.ts";
import { readSequenceNumber } from "../../../src/media/rtp/index.ts";
import { Bridge, MediaEndpoint, type RtcpFeedback } from "../../../src/media/relay/index.ts";
import { metrics } from "../../../src/observability/metrics.ts";
import { AgentVideoLeg } from "../../../src/webrtc/index.ts";
import { asWeriftDtlsTransport, udpTransportOf } from "../../../src/webrtc/werift-internals.ts";
import { pollUntil } from "../../support/poll.ts";
import { testPool, UdpPeer } from "../../unit/relay/helpers.ts";
import { readRtpPcap } from "../webrtc/support/h264-feed.ts";
import { waitForEvent } from "../webrtc/support/events.ts";
import { WeriftBrowser } from "../webrtc/support/werift-browser.ts";

const cleanups: (() => unknown)[] = [];
afterEach(async () => { for (const c of cleanups.splice(0).reverse()) await c(); });

const PACKETS = 400;
const dropOnFirstArrival = (index: number) => index % 10 === 3;

/** Fresh copies of the first `n` packets of the caller pcap (the relay rewrites and keeps what it is given). */
function callerPackets(n: number): Uint8Array[] {
  return readRtpPcap().slice(0, n).map((p) => p.packet.slice());
}

/** Sends packets in bursts of 10 every 2 ms, about the pace of a 2 Mbit/s video stream. */
async function pace(packets: Uint8Array[], send: (p: Uint8Array) => void): Promise<void> {
  for (let i = 0; i < packets.length; i++) {
    send(packets[i]!);
    if (i % 10 === 9) await Bun.sleep(2);
  }
}

/**
 * A receiver that loses some packets: drops the chosen ones on first arrival, and on every packet that shows a gap
 * sends a NACK (with an RR, as a compound) for what is still missing, to `rtcpPort` from its RTCP socket.
 */
async function lossyReceiver(firstSeq: number, mediaSsrc: () => number, rtcpPort: () => number) {
  const rtcp = await UdpPeer.open();
  const received = new Map<number, Uint8Array>();
  const dropped = new Set<number>();
  let retransmitted = 0;
  let highest = -1;
  const socket = await Bun.udpSocket({
    hostname: "127.0.0.1", port: 0, binaryType: "uint8array",
    socket: {
      data(_s, data) {
        const seq = readSequenceNumber(data);
        const index = (seq - firstSeq) & 0xffff;
        if (!received.has(seq) && !dropped.has(seq) && dropOnFirstArrival(index)) { dropped.add(seq); return; }
        if (dropped.has(seq)) retransmitted++;
        received.set(seq, data.slice());
        if (index <= highest) return;
        const missing: number[] = [];
        for (let i = highest + 1; i < index; i++) if (!received.has((firstSeq + i) & 0xffff)) missing.push((firstSeq + i) & 0xffff);
        highest = index;
        if (missing.length > 0) rtcp.send(nackCompound(0xfeed, mediaSsrc(), missing), rtcpPort());
      },
    },
  });
  return {
    port: socket.port, received, dropped, rtcp,
    get retransmitted() { return retransmitted; },
    close() { socket.close(); rtcp.close(); },
  };
}

function nackCompound(senderSsrc: number, mediaSsrc: number, lost: number[]): Uint8Array {
  return serializeRtcp([new RtcpReceiverReport(senderSsrc), new GenericNack(senderSsrc, mediaSsrc, lost)]);
}

test("SIP relay: packets the receiver lost are resent from the leg's cache when it NACKs, byte for byte", async () => {
  const packets = callerPackets(PACKETS);
  const originals = packets.map((p) => p.slice());
  const firstSeq = readSequenceNumber(packets[0]!);
  const pool = testPool();
  let legB: MediaEndpoint | undefined;
  const receiver = await lossyReceiver(firstSeq, () => legB!.ssrc, () => legB!.rtcpPort);
  const sender = await UdpPeer.open();
  const legA = await MediaEndpoint.create({ pool, kind: "video", rtcpMux: false, label: "caller" });
  legB = await MediaEndpoint.create({
    pool, kind: "video", rtcpMux: false, label: "far", remote: { address: "127.0.0.1", port: receiver.port, rtcpPort: receiver.rtcp.port },
  });
  const bridge = new Bridge(legA, legB);
  cleanups.push(() => bridge.close(), () => receiver.close(), () => sender.close());
  const forwarded: RtcpFeedback[] = [];
  legB.on("rtcp-feedback", (fb) => forwarded.push(fb));
  const served = metrics.counter("media_nack_packets_total", "").get({ leg: "sip", result: "served" });

  await pace(packets, (p) => sender.send(p, legA.rtpPort));
  await pollUntil(() => receiver.received.size, (n) => n === PACKETS, 5000, "every packet, the lost ones resent");

  expect(receiver.dropped.size).toBe(40);
  expect(receiver.retransmitted).toBe(40);
  for (const [i, original] of originals.entries()) {
    const got = receiver.received.get((firstSeq + i) & 0xffff)!;
    expect(got.subarray(12)).toEqual(original.subarray(12));
  }
  const stats = legB.stats().tx.nack!;
  expect(stats.served).toBe(40);
  expect(stats.missed).toBe(0);
  expect(metrics.counter("media_nack_packets_total", "").get({ leg: "sip", result: "served" }) - served).toBe(40);
  // Served NACKs are not passed on: nothing to forward to the sender.
  expect(forwarded.filter((f) => f.type === "nack")).toEqual([]);

  // A packet the leg never sent: reported (in its numbering) for the session to forward to the original sender.
  const never = (firstSeq + PACKETS + 50) & 0xffff;
  const report = new Promise<RtcpFeedback>((resolve) => legB!.on("rtcp-feedback", (fb) => { if (fb.type === "nack") resolve(fb); }));
  receiver.rtcp.send(nackCompound(0xfeed, legB.ssrc, [(firstSeq + 5) & 0xffff, never]), legB.rtcpPort);
  const nack = (await report) as GenericNack;
  expect(nack.lost).toEqual([never]);
  expect(legB.stats().tx.nack).toEqual({ requests: 41, served: 41, missed: 1, repeat: 0 });
});

test("browser leg (lean path): SRTP packets lost on the way to a werift browser are NACKed by it and resent", async () => {
  const browser = new WeriftBrowser();
  const leg = new AgentVideoLeg({ callerH264Fmtp: "profile-level-id=42e00c;packetization-mode=1" });
  cleanups.push(() => browser.close(), () => leg.close());
  const answer = await leg.acceptOffer(await browser.offer());
  expect(answer).toMatch(/^a=rtcp-fb:\d+ nack\r?$/m);
  const up = waitForEvent(leg, "connected", 5000);
  await browser.accept(answer);
  await Promise.all([up, browser.connected()]);

  const packets = callerPackets(PACKETS);
  const firstSeq = readSequenceNumber(packets[0]!);
  const dropped = new Set<number>();
  for (const protocol of asWeriftDtlsTransport(browser.transceiver.dtlsTransport).iceTransport.connection.protocols) {
    const transport = udpTransportOf(protocol);
    if (!transport) continue;
    const deliver = transport.onData;
    transport.onData = (data, addr) => {
      const isRtp = data[0]! >= 128 && data[0]! <= 191 && !(data[1]! >= 192 && data[1]! <= 223);
      if (isRtp) {
        const seq = readSequenceNumber(data);
        if (!dropped.has(seq) && dropOnFirstArrival((seq - firstSeq) & 0xffff)) { dropped.add(seq); return; }
      }
      deliver(data, addr);
    };
  }
  const received = new Set<number>();
  browser.transceiver.receiver.track.onReceiveRtp.subscribe((p) => { received.add(p.header.sequenceNumber); });

  await pace(packets, (p) => { expect(leg.sendRtp(p)).toBe(true); });
  await pollUntil(() => received.size, (n) => n === PACKETS, 5000, "every packet at the werift browser, the lost ones resent");
  expect(dropped.size).toBe(40);
  expect(leg.stats.nack.served).toBeGreaterThanOrEqual(40);
  expect(leg.stats.nack.missed).toBe(0);
});
