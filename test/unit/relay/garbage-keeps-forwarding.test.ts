import { afterEach, describe, expect, test } from "bun:test";
import { metrics } from "../../../src/observability/metrics.ts";
import { bridgedCall, parse, rtp, UdpPeer } from "./helpers.ts";

const cleanups: (() => void)[] = [];
afterEach(() => { for (const c of cleanups.splice(0)) c(); });
const dropped = (reason: string) => metrics.counter("media_packets_dropped_total", "").get({ reason });

function stunBindingRequest(): Uint8Array {
  const b = new Uint8Array(20);
  b[1] = 0x01; // binding request
  b.set([0x21, 0x12, 0xa4, 0x42], 4); // magic cookie
  return b;
}

describe("garbage on media ports", () => {
  test("random bytes, truncated RTP, bad RTCP, STUN and DTLS junk are counted and dropped; RTP keeps flowing", async () => {
    const call = await bridgedCall();
    cleanups.push(() => call.close());
    const before = Object.fromEntries(["not-rtp", "rtp-malformed", "rtcp-malformed", "stun", "dtls"].map((r) => [r, dropped(r)]));
    const good = (seq: number) => rtp({ ssrc: 9, sequenceNumber: seq });
    const truncatedCsrc = good(1).slice(0, 20);
    truncatedCsrc[0] = 0x8f; // claims 15 CSRCs
    const badPadding = good(2);
    badPadding[0] |= 0x20;
    badPadding[badPadding.length - 1] = 250;
    const rtcpBadLength = new Uint8Array([0x80, 201, 0x00, 0x09, 0, 0, 0, 1]); // RR claiming 40 bytes in 8
    const rtcpTrailing = new Uint8Array([0x80, 201, 0x00, 0x01, 0, 0, 0, 1, 0x80, 200]); // 2 stray bytes
    const junk: Uint8Array[] = [
      crypto.getRandomValues(new Uint8Array(100)).map((b) => (b & 0x3f) | 0x40), // first byte 64..127: nothing
      new Uint8Array([0x80]),
      good(3).slice(0, 11),
      truncatedCsrc,
      badPadding,
      rtcpBadLength,
      rtcpTrailing,
      stunBindingRequest(),
      new Uint8Array([22, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]), // DTLS handshake record header
    ];
    let seq = 100;
    for (const j of junk) {
      call.peerA.send(j, call.legA.rtpPort);
      call.peerA.send(good(seq++), call.legA.rtpPort);
    }
    for (let i = 0; i < junk.length; i++) expect(parse((await call.peerB.next()).data).header.sequenceNumber).toBe(100 + i);
    expect(call.legA.dropped).toBe(junk.length);
    expect(dropped("not-rtp") - before["not-rtp"]).toBe(3);
    expect(dropped("rtp-malformed") - before["rtp-malformed"]).toBe(2);
    expect(dropped("rtcp-malformed") - before["rtcp-malformed"]).toBe(2);
    expect(dropped("stun") - before.stun).toBe(1);
    expect(dropped("dtls") - before.dtls).toBe(1);
  });

  test("a flood of random datagrams from another source does not stop the stream nor move a strict latch", async () => {
    const call = await bridgedCall({ a: { latch: { policy: "strict", learningMs: 0 } } });
    cleanups.push(() => call.close());
    call.peerA.send(rtp({ sequenceNumber: 1 }), call.legA.rtpPort);
    await call.peerB.next();
    const noise = await UdpPeer.open();
    cleanups.push(() => noise.close());
    // 150: more would overflow the kernel receive buffer (rmem_default) before the relay reads it
    for (let i = 0; i < 150; i++) noise.send(crypto.getRandomValues(new Uint8Array(1 + (i % 300))), call.legA.rtpPort);
    call.peerA.send(rtp({ sequenceNumber: 2 }), call.legA.rtpPort);
    expect(parse((await call.peerB.next()).data).header.sequenceNumber).toBe(2);
    expect(call.legA.destination?.port).toBe(call.peerA.port);
    expect(call.legA.dropped).toBe(150);
  });
});
