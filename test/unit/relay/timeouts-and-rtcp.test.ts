import { afterEach, describe, expect, test } from "bun:test";
import { FakeClock } from "../../support/fake-clock.ts";
import { MediaTimeout } from "../../../src/media/stats/index.ts";
import {
  compactNtp, parseRtcp, PictureLossIndication, RtcpReceiverReport, RtcpSenderReport, serializeRtcp,
} from "../../../src/media/rtcp/index.ts";
import type { MediaEndpointStats, RtcpFeedback } from "../../../src/media/relay/index.ts";
import { bridgedCall, nextEvent, rtp, testPool, UdpPeer } from "./helpers.ts";
import { MediaEndpoint } from "../../../src/media/relay/index.ts";

const cleanups: (() => void)[] = [];
afterEach(() => { for (const c of cleanups.splice(0)) c(); });

describe("media timeout", () => {
  test("fires once after media_timeout of silence, again only after media resumed and stopped", () => {
    const clock = new FakeClock();
    let last = -1;
    const fired: number[] = [];
    const t = new MediaTimeout(clock, 30_000, () => last, () => fired.push(clock.now()));
    t.start();
    clock.advance(29_999);
    expect(fired).toEqual([]);
    clock.advance(1);
    expect(fired).toEqual([30_000]);
    clock.advance(120_000);
    expect(fired).toHaveLength(1);
    last = clock.now(); // media resumes
    clock.advance(10_000);
    last = clock.now();
    clock.advance(29_000);
    expect(fired).toHaveLength(1);
    clock.advance(1_000);
    expect(fired).toEqual([30_000, 190_000]);
    t.stop();
    expect(clock.pending()).toBe(0);
  });

  test("an endpoint emits timeout when its peer stops sending; packets keep it quiet; close stops the timer", async () => {
    const clock = new FakeClock();
    const call = await bridgedCall({ a: { clock, mediaTimeoutMs: 5000 }, b: { clock } });
    cleanups.push(() => call.close());
    const timeouts: number[] = [];
    call.legA.on("timeout", (e) => timeouts.push(e.silentForMs));
    for (let i = 0; i < 4; i++) {
      call.peerA.send(rtp({ sequenceNumber: i }), call.legA.rtpPort);
      await call.peerB.next();
      clock.advance(2000);
    }
    expect(timeouts).toEqual([]);
    clock.advance(3000);
    expect(timeouts).toEqual([5000]);
    call.bridge.close();
    expect(clock.pending()).toBe(0);
  });
});

describe("RTCP hook and stats", () => {
  test("feedback arrives parsed as an event; sendRtcp reaches the peer (muxed)", async () => {
    const call = await bridgedCall();
    cleanups.push(() => call.close());
    const fb = nextEvent<RtcpFeedback>((fn) => call.legB.once("rtcp-feedback", fn));
    call.peerB.send(new PictureLossIndication(0xbbbb, call.legB.ssrc).serialize(), call.legB.rtpPort);
    const pli = await fb;
    expect(pli.type).toBe("pli");
    expect((pli as PictureLossIndication).mediaSsrc).toBe(call.legB.ssrc);
    // the session translates it and sends it on the other leg
    expect(call.legA.sendRtcp(new PictureLossIndication(call.legA.ssrc, 0xaaaa).serialize())).toBe(true);
    const got = parseRtcp((await call.peerA.next()).data);
    expect(got[0].type).toBe("pli");
  });

  test("RTCP on the +1 port without rtcp-mux; RTT and the peer's loss/jitter view from its RR answering our SR", async () => {
    const clock = new FakeClock();
    clock.advance(1_764_115_200_000);
    const pool = testPool();
    const peer = await UdpPeer.open();
    const peerRtcp = await UdpPeer.open();
    cleanups.push(() => { peer.close(); peerRtcp.close(); });
    const leg = await MediaEndpoint.create({
      pool, kind: "audio", rtcpMux: false, clock, remote: { address: "127.0.0.1", port: peer.port, rtcpPort: peerRtcp.port },
    });
    cleanups.push(() => leg.close());
    expect(leg.rtcpPort).toBe(leg.rtpPort + 1);
    leg.sendRtp(rtp({ sequenceNumber: 1, timestamp: 160 }), 160, clock.now());
    await peer.next();
    const report = leg.createReport();
    expect(report.type).toBe("sr");
    leg.sendRtcp(report.serialize());
    const sr = parseRtcp((await peerRtcp.next()).data)[0] as RtcpSenderReport;
    expect([sr.ssrc, sr.packetCount, sr.octetCount]).toEqual([leg.ssrc, 1, 160]);
    clock.advance(250); // the peer holds the SR 200 ms, the network adds 50 ms
    const rr = new RtcpReceiverReport(0x5eed, [{
      ssrc: leg.ssrc, fractionLost: 64, packetsLost: 3, highestSequence: 1, jitter: 80,
      lsr: compactNtp(sr.ntpSeconds, sr.ntpFraction), dlsr: Math.round(0.2 * 65536),
    }]);
    const seen = nextEvent((fn) => leg.once("rtcp", fn));
    peerRtcp.send(serializeRtcp([rr]), leg.rtcpPort);
    await seen;
    expect(leg.rtt.lastMs).toBeCloseTo(50, 0);
    const stats = leg.stats();
    expect(stats.rttMs).toBeCloseTo(50, 0);
    expect(stats.tx.remote).toMatchObject({ fractionLost: 0.25, packetsLost: 3, jitterMs: 10 }); // 80 units at 8 kHz
  });

  test("periodic stats events carry packets, bytes, loss, jitter and bitrate per direction", async () => {
    const clock = new FakeClock();
    const call = await bridgedCall({ a: { clock, statsIntervalMs: 1000 }, b: { clock } });
    cleanups.push(() => call.close());
    const events: MediaEndpointStats[] = [];
    call.legA.on("stats", (s) => events.push(s));
    for (let seq = 1; seq <= 50; seq++) {
      if (seq === 20 || seq === 21) continue; // lost on the way
      call.peerA.send(rtp({ sequenceNumber: seq, timestamp: seq * 160 }), call.legA.rtpPort);
      await call.peerB.next();
      clock.advance(20);
    }
    call.peerB.send(rtp({ ssrc: 77, sequenceNumber: 1 }), call.legB.rtpPort);
    await call.peerA.next();
    clock.advance(1000 - 48 * 20);
    expect(events).toHaveLength(1);
    const s = events[0];
    expect(s.rx).toMatchObject({ packets: 48, bytes: 48 * 172, lost: 2, expected: 50 });
    expect(s.rx.bitrateBps).toBe(48 * 172 * 8);
    expect(s.rx.jitterMs).toBeGreaterThanOrEqual(0);
    expect(s.tx).toMatchObject({ packets: 1, bytes: 172, ssrc: call.legA.ssrc });
  });
});
