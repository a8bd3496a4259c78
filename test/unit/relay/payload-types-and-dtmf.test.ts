import { afterEach, describe, expect, test } from "bun:test";
import { TelephoneEvent } from "../../../src/media/rtp/index.ts";
import { PayloadTypeMap } from "../../../src/media/relay/index.ts";
import { bridgedCall, parse, rtp } from "./helpers.ts";

const cleanups: (() => void)[] = [];
afterEach(() => { for (const c of cleanups.splice(0)) c(); });

describe("payload type mapping per direction", () => {
  test("caller's 101/8 become the call center's 96/8 one way and back the other way", async () => {
    const call = await bridgedCall({
      bridge: { aToB: { payloadTypes: { 101: 96 } }, bToA: { payloadTypes: { 96: 101 } } },
    });
    cleanups.push(() => call.close());
    call.peerA.send(rtp({ payloadType: 101, sequenceNumber: 1 }, new Uint8Array(4)), call.legA.rtpPort);
    expect(parse((await call.peerB.next()).data).header.payloadType).toBe(96);
    call.peerA.send(rtp({ payloadType: 8, sequenceNumber: 2 }), call.legA.rtpPort);
    expect(parse((await call.peerB.next()).data).header.payloadType).toBe(8);
    call.peerB.send(rtp({ payloadType: 96, sequenceNumber: 1, marker: true }, new Uint8Array(4)), call.legB.rtpPort);
    const back = parse((await call.peerA.next()).data).header;
    expect(back.payloadType).toBe(101);
    expect(back.marker).toBe(true);
  });

  test("dropUnlisted passes only negotiated payload types (and counts the rest)", async () => {
    const call = await bridgedCall({ bridge: { aToB: { payloadTypes: { 0: 0, 101: 101 }, dropUnlisted: true } } });
    cleanups.push(() => call.close());
    call.peerA.send(rtp({ payloadType: 18, sequenceNumber: 1 }), call.legA.rtpPort);
    call.peerA.send(rtp({ payloadType: 0, sequenceNumber: 2 }), call.legA.rtpPort);
    expect(parse((await call.peerB.next()).data).header.sequenceNumber).toBe(2);
    expect(call.legA.dropped).toBe(1);
  });

  test("table rules", () => {
    const m = new PayloadTypeMap({ 101: 96, 13: null });
    expect([m.map(101), m.map(0), m.map(13)]).toEqual([96, 0, 0xff]);
    expect(() => new PayloadTypeMap({ 101: 128 })).toThrow(RangeError);
  });
});

describe("RFC 4733 DTMF passthrough", () => {
  test("a digit's packets (marker, same timestamp, growing duration, 3 end packets) arrive intact and rewritten", async () => {
    const call = await bridgedCall({ bridge: { aToB: { payloadTypes: { 101: 100 } } }, b: { ssrc: 0xd7f0 } });
    cleanups.push(() => call.close());
    // audio first, then digit "5" starting at ts 1160, then audio again
    const sent: Uint8Array[] = [rtp({ sequenceNumber: 10, timestamp: 1000 })];
    const durations = [160, 320, 480, 640, 640, 640];
    durations.forEach((d, i) => {
      const end = i >= 3;
      sent.push(rtp({ payloadType: 101, sequenceNumber: 11 + i, timestamp: 1160, marker: i === 0 },
        new TelephoneEvent(5, end, 10, d).serialize()));
    });
    sent.push(rtp({ sequenceNumber: 17, timestamp: 1800 }));
    for (const p of sent) call.peerA.send(p, call.legA.rtpPort);
    const got = [];
    for (let i = 0; i < sent.length; i++) got.push(parse((await call.peerB.next()).data));
    const events = got.filter((p) => p.header.payloadType === 100);
    expect(events).toHaveLength(6);
    expect(events.map((p) => p.header.marker)).toEqual([true, false, false, false, false, false]);
    expect(new Set(events.map((p) => p.header.timestamp))).toEqual(new Set([1160]));
    const decoded = events.map((p) => TelephoneEvent.deSerialize(p.payload));
    expect(decoded.map((e) => e.digit).join("")).toBe("555555");
    expect(decoded.map((e) => e.duration)).toEqual(durations);
    expect(decoded.map((e) => e.end)).toEqual([false, false, false, true, true, true]);
    expect(got.map((p) => p.header.sequenceNumber)).toEqual([10, 11, 12, 13, 14, 15, 16, 17]);
    expect(new Set(got.map((p) => p.header.ssrc))).toEqual(new Set([0xd7f0]));
  });
});
