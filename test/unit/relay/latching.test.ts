import { afterEach, describe, expect, test } from "bun:test";
import { FakeClock } from "../../support/fake-clock.ts";
import { Latch, LatchResult } from "../../../src/media/relay/index.ts";
import { bridgedCall, nextEvent, rtp, UdpPeer } from "./helpers.ts";

const cleanups: (() => void)[] = [];
afterEach(() => { for (const c of cleanups.splice(0)) c(); });

describe("symmetric latching over loopback", () => {
  test("sends to the SDP address until the peer's first packet, then to where it really sends from", async () => {
    const call = await bridgedCall();
    cleanups.push(() => call.close());
    const natB = await UdpPeer.open(); // B's media really comes from another port than its SDP says
    cleanups.push(() => natB.close());

    call.peerA.send(rtp({ sequenceNumber: 1 }), call.legA.rtpPort);
    expect((await call.peerB.next()).port).toBe(call.legB.rtpPort); // not latched yet: SDP address

    const latched = nextEvent<{ kind: string; port: number }>((fn) => call.legB.once("latched", fn));
    natB.send(rtp({ ssrc: 0xbbbb, sequenceNumber: 7 }), call.legB.rtpPort);
    expect(await latched).toMatchObject({ kind: "rtp", port: natB.port });
    await call.peerA.next();

    call.peerA.send(rtp({ sequenceNumber: 2 }), call.legA.rtpPort);
    expect((await natB.next()).data.length).toBe(172);
    expect(call.peerB.pending).toBe(0);
    expect(call.legB.destination).toEqual({ address: "127.0.0.1", port: natB.port });
  });

  test("strict source drops another source after the learning window", async () => {
    const clock = new FakeClock();
    const call = await bridgedCall({ a: { clock, latch: { policy: "strict", learningMs: 1000 } }, b: { clock } });
    cleanups.push(() => call.close());
    const intruder = await UdpPeer.open();
    cleanups.push(() => intruder.close());

    call.peerA.send(rtp({ sequenceNumber: 1 }), call.legA.rtpPort);
    await call.peerB.next();
    clock.advance(1500);
    intruder.send(rtp({ ssrc: 0x666, sequenceNumber: 1 }), call.legA.rtpPort);
    call.peerA.send(rtp({ sequenceNumber: 2 }), call.legA.rtpPort);
    const got = await call.peerB.next();
    expect(got.data[3]).toBe(2); // the intruder's packet was dropped, the latched one went through
    expect(call.legA.dropped).toBe(1);
    expect(call.legA.destination?.port).toBe(call.peerA.port);
  });

  test("restrict to the SDP address drops packets from any other address/port even before latching", async () => {
    const call = await bridgedCall({ a: { latch: { restrict: "address-port" } } });
    cleanups.push(() => call.close());
    const other = await UdpPeer.open();
    cleanups.push(() => other.close());
    other.send(rtp({ sequenceNumber: 1 }), call.legA.rtpPort);
    call.peerA.send(rtp({ sequenceNumber: 2 }), call.legA.rtpPort);
    expect((await call.peerB.next()).data[3]).toBe(2);
    expect(call.legA.dropped).toBe(1);
  });
});

describe("latch rules", () => {
  const A = "127.0.0.1";
  test("learning window re-latches on every new source, then learn mode keeps the latch", () => {
    const l = new Latch({ learningMs: 3000, relatchIdleMs: 2000 });
    l.reset({ address: A, port: 5000 }, 0);
    expect(l.check(A, 6000, 10)).toBe(LatchResult.Latched);
    expect(l.check(A, 6002, 20)).toBe(LatchResult.Latched); // still learning
    expect(l.check(A, 6002, 3500)).toBe(LatchResult.Accept);
    expect(l.check(A, 6004, 3600)).toBe(LatchResult.Accept); // forwarded, latch unchanged
    expect(l.port).toBe(6002);
  });

  test("learn mode re-latches when the latched source went silent (NAT rebinding)", () => {
    const l = new Latch({ learningMs: 0, relatchIdleMs: 2000 });
    l.reset(null, 0);
    expect(l.address).toBeNull();
    expect(l.check(A, 6000, 0)).toBe(LatchResult.Latched);
    expect(l.check(A, 6000, 1000)).toBe(LatchResult.Accept);
    expect(l.check(A, 7000, 2500)).toBe(LatchResult.Accept);
    expect(l.check(A, 7000, 3000)).toBe(LatchResult.Latched);
    expect(l.port).toBe(7000);
  });

  test("strict mode never moves after learning, even when the latched source is silent", () => {
    const l = new Latch({ policy: "strict", learningMs: 100 });
    l.reset(null, 0);
    l.check(A, 6000, 0);
    expect(l.check(A, 7000, 50_000)).toBe(LatchResult.Reject);
    expect(l.port).toBe(6000);
  });

  test("reset (re-INVITE with a new address) unlatches and sends to the new SDP address", () => {
    const l = new Latch();
    l.reset({ address: A, port: 5000 }, 0);
    l.check(A, 6000, 0);
    l.reset({ address: "127.0.0.2", port: 5002 }, 10_000);
    expect(l.latched).toBe(false);
    expect([l.address, l.port]).toEqual(["127.0.0.2", 5002]);
  });
});
