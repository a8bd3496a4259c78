import { afterEach, describe, expect, test } from "bun:test";
import { FakeClock } from "../../support/fake-clock.ts";
import { OutboundRewriter } from "../../../src/media/relay/index.ts";
import { bridgedCall, parse, rtp, UdpPeer } from "./helpers.ts";

const cleanups: (() => void)[] = [];
afterEach(() => { for (const c of cleanups.splice(0)) c(); });

describe("one continuous stream toward each far end", () => {
  test("source switch (new SSRC, new seq/ts base, new address) => same SSRC, seq +1, timestamp by wall clock", async () => {
    const clock = new FakeClock();
    clock.advance(1_000_000);
    const call = await bridgedCall({ a: { clock, latch: { learningMs: 0, relatchIdleMs: 0 } }, b: { clock, ssrc: 0xcafe0001 } });
    cleanups.push(() => call.close());
    const seen: ReturnType<typeof parse>[] = [];
    for (let i = 0; i < 5; i++) {
      call.peerA.send(rtp({ ssrc: 0x1000, sequenceNumber: 65533 + i, timestamp: 4294967000 + i * 160 }), call.legA.rtpPort);
      seen.push(parse((await call.peerB.next()).data));
      clock.advance(20);
    }
    // re-INVITE: the caller's phone restarts media from a new port with a new SSRC and random bases
    const newSource = await UdpPeer.open();
    cleanups.push(() => newSource.close());
    call.legA.setRemote({ address: "127.0.0.1", port: newSource.port });
    clock.advance(40); // 60 ms since the last packet => +480 timestamp units at 8 kHz
    for (let i = 0; i < 5; i++) {
      newSource.send(rtp({ ssrc: 0x2000, sequenceNumber: 100 + i, timestamp: 777 + i * 160 }), call.legA.rtpPort);
      seen.push(parse((await call.peerB.next()).data));
      clock.advance(20);
    }
    expect(new Set(seen.map((p) => p.header.ssrc))).toEqual(new Set([0xcafe0001]));
    for (let i = 1; i < seen.length; i++) {
      expect(seen[i].header.sequenceNumber).toBe((seen[i - 1].header.sequenceNumber + 1) & 0xffff);
    }
    const tsStep = (i: number) => (seen[i].header.timestamp - seen[i - 1].header.timestamp) >>> 0;
    expect(tsStep(4)).toBe(160);
    expect(tsStep(5)).toBe(480);
    expect(tsStep(6)).toBe(160);
  });

  test("both directions keep their own single SSRC; the far ends latch back", async () => {
    const call = await bridgedCall();
    cleanups.push(() => call.close());
    call.peerA.send(rtp({ ssrc: 1, sequenceNumber: 10 }), call.legA.rtpPort);
    const toB = parse((await call.peerB.next()).data);
    call.peerB.send(rtp({ ssrc: 2, sequenceNumber: 20 }), call.legB.rtpPort);
    const toA = parse((await call.peerA.next()).data);
    expect(toB.header.ssrc).toBe(call.legB.ssrc);
    expect(toA.header.ssrc).toBe(call.legA.ssrc);
    expect(toB.header.sequenceNumber).toBe(10); // the first source keeps its numbering
    expect(toA.header.sequenceNumber).toBe(20);
  });

  test("resync after a re-INVITE where the peer keeps its SSRC but restarts its sequence", async () => {
    const clock = new FakeClock();
    const call = await bridgedCall({ a: { clock }, b: { clock } });
    cleanups.push(() => call.close());
    call.peerA.send(rtp({ ssrc: 5, sequenceNumber: 5000, timestamp: 90000 }), call.legA.rtpPort);
    const before = parse((await call.peerB.next()).data);
    call.bridge.resync();
    clock.advance(20);
    call.peerA.send(rtp({ ssrc: 5, sequenceNumber: 1, timestamp: 0 }), call.legA.rtpPort);
    const after = parse((await call.peerB.next()).data);
    expect(after.header.sequenceNumber).toBe(5001);
    expect(after.header.timestamp).toBe(90160);
  });
});

describe("rewriter rules", () => {
  const pkt = (ssrc: number, seq: number, ts: number) => rtp({ ssrc, sequenceNumber: seq, timestamp: ts });

  test("reordered packets keep their relative place and do not move the reference point", () => {
    const r = new OutboundRewriter(42);
    const out = (ssrc: number, seq: number, ts: number, now: number) => {
      const b = pkt(ssrc, seq, ts);
      r.rewrite(b, now, 8000);
      return parse(b).header;
    };
    out(1, 100, 1000, 0);
    out(1, 102, 1320, 40);
    expect(out(1, 101, 1160, 41).sequenceNumber).toBe(101); // late packet passes with its own number
    const s = out(2, 9, 50, 60); // switch: continues after the newest (102), not after the late one
    expect(s.sequenceNumber).toBe(103);
    expect(s.timestamp).toBe(1320 + 160);
    expect(s.ssrc).toBe(42);
    expect(r.sourceSsrc).toBe(2);
  });

  test("a switch right after the last packet still advances the timestamp", () => {
    const r = new OutboundRewriter(7);
    const a = pkt(1, 1, 1000);
    r.rewrite(a, 0, 90000);
    const b = pkt(2, 500, 3);
    r.rewrite(b, 0, 90000);
    expect(parse(b).header.timestamp).toBe(1001);
  });
});
