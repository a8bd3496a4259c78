import { afterEach, expect, test } from "bun:test";
import { createSocket, type Socket } from "node:dgram";
import { PortPool } from "../../../src/media/ports/index.ts";
import { FallbackRelayLegs, MediaThread } from "../../../src/media/thread/index.ts";
import { LocalRelayLegs, MediaEndpoint, type RelayLeg } from "../../../src/media/relay/index.ts";
import { systemClock } from "../../../src/util/clock.ts";
import { RtpHeaderView } from "../../../src/media/rtp/index.ts";
import { metrics } from "../../../src/observability/metrics.ts";
import { pollUntil } from "../../support/poll.ts";

const open: { thread?: MediaThread; sockets: Socket[] } = { sockets: [] };
afterEach(async () => {
  await open.thread?.close();
  for (const s of open.sockets.splice(0)) s.close();
});

function rtp(seq: number, ssrc = 0x11223344, pt = 0): Uint8Array {
  const p = new Uint8Array(12 + 160);
  p[0] = 0x80; p[1] = pt; p[2] = seq >> 8; p[3] = seq & 255;
  new DataView(p.buffer).setUint32(4, seq * 160);
  new DataView(p.buffer).setUint32(8, ssrc);
  return p;
}

async function udp(): Promise<Socket & { received: Buffer[]; next(): Promise<Buffer> }> {
  const s = createSocket("udp4") as Socket & { received: Buffer[]; waiters: ((b: Buffer) => void)[]; next(): Promise<Buffer> };
  s.received = [];
  s.waiters = [];
  s.on("message", (m) => { const w = s.waiters.shift(); if (w) w(m); else s.received.push(m); });
  s.next = () => { const m = s.received.shift(); return m ? Promise.resolve(m) : new Promise((r) => s.waiters.push(r)); };
  await new Promise<void>((r) => s.bind(0, "127.0.0.1", r));
  open.sockets.push(s);
  return s;
}

function startThread(range = "47000-47019"): { thread: MediaThread; pool: PortPool } {
  const pool = new PortPool({ range, host: "127.0.0.1" });
  const thread = MediaThread.create({ pool })!;
  expect(thread).not.toBeNull();
  open.thread = thread;
  return { thread, pool };
}

test("a bridge on the media thread relays RTP both ways with the far end's SSRC rewritten and continuous sequence numbers", async () => {
  const { thread, pool } = startThread();
  const a = await thread.createLeg({ kind: "audio", label: "a", rtcpMux: false, mediaTimeoutMs: 0 });
  const b = await thread.createLeg({ kind: "audio", label: "b", rtcpMux: false, mediaTimeoutMs: 0 });
  expect(pool.inUse).toBe(2);
  const callerPeer = await udp(), ccPeer = await udp();
  b.setRemote({ address: "127.0.0.1", port: ccPeer.address().port });
  a.setRemote({ address: "127.0.0.1", port: callerPeer.address().port });
  thread.bridge(a, b, { aToB: { payloadTypes: { 0: 8 } } });
  const view = new RtpHeaderView();
  for (let seq = 100; seq < 105; seq++) callerPeer.send(rtp(seq), a.rtpPort, "127.0.0.1");
  const seqs: number[] = [];
  for (let i = 0; i < 5; i++) {
    expect(view.wrap(new Uint8Array(await ccPeer.next()))).toBe(true);
    expect(view.ssrc).toBe(b.ssrc);
    expect(view.payloadType).toBe(8);
    seqs.push(view.sequenceNumber);
  }
  expect(seqs.map((s) => (s - seqs[0]) & 0xffff)).toEqual([0, 1, 2, 3, 4]);
  ccPeer.send(rtp(7, 0x55667788, 8), b.rtpPort, "127.0.0.1");
  expect(view.wrap(new Uint8Array(await callerPeer.next()))).toBe(true);
  expect(view.ssrc).toBe(a.ssrc);
});

test("counters, latching and the tap reach the main thread; closing returns the ports", async () => {
  const { thread, pool } = startThread("47020-47039");
  const leg = await thread.createLeg({ kind: "audio", label: "tapped", rtcpMux: true, mediaTimeoutMs: 0 });
  const peer = await udp();
  const latched = new Promise((r) => leg.on("latched", r));
  const tapped: number[] = [];
  let tappedAll!: () => void;
  const allTapped = new Promise<void>((r) => (tappedAll = r));
  leg.tap = (view) => {
    tapped.push(view.sequenceNumber);
    if (tapped.length === 3) tappedAll();
  };
  for (let seq = 1; seq <= 3; seq++) peer.send(rtp(seq), leg.rtpPort, "127.0.0.1");
  expect(await latched).toEqual({ kind: "rtp", address: "127.0.0.1", port: peer.address().port });
  await allTapped;
  expect(tapped).toEqual([1, 2, 3]);
  const dropped = metrics.counter("media_packets_dropped_total", "").get({ reason: "not-rtp" });
  peer.send(new Uint8Array([1, 2, 3]), leg.rtpPort, "127.0.0.1");
  // counters cross every 250 ms: the leg's own, and the thread's metrics into this thread's registry
  await pollUntil(() => leg.stats().dropped, (n) => n === 1, 5000, "the leg's drop count");
  expect(metrics.counter("media_packets_dropped_total", "").get({ reason: "not-rtp" })).toBe(dropped + 1);
  const closed = new Promise<void>((r) => leg.on("closed", r));
  leg.close();
  await closed;
  expect(leg.stats().rx.packets).toBe(3);
  expect(pool.inUse).toBe(0);
});

test("a port another socket holds is skipped: the leg binds the next pair", async () => {
  const { thread } = startThread("47040-47043");
  const holder = createSocket("udp4");
  await new Promise<void>((r) => holder.bind(47040, "127.0.0.1", r));
  open.sockets.push(holder as never);
  const leg = await thread.createLeg({ kind: "audio", label: "x", rtcpMux: true, mediaTimeoutMs: 0 });
  expect(leg.rtpPort).toBe(47042);
});

test("closing the media thread closes its legs, and no leg can be made after", async () => {
  const { thread } = startThread("47060-47069");
  const legs: RelayLeg[] = [await thread.createLeg({ kind: "audio", label: "x", rtcpMux: true, mediaTimeoutMs: 0 })];
  const closed = new Promise<void>((r) => legs[0].on("closed", r));
  await thread.close();
  await closed;
  expect(legs[0].closed).toBe(true);
  await expect(thread.createLeg({ kind: "audio", label: "y", rtcpMux: true, mediaTimeoutMs: 0 })).rejects.toThrow("closed");
});

test("a media thread that dies closes its legs (their calls end) and the next leg runs on a new thread", async () => {
  const { thread, pool } = startThread("47080-47089");
  const leg = await thread.createLeg({ kind: "audio", label: "x", rtcpMux: true, mediaTimeoutMs: 0 });
  const closed = new Promise<void>((r) => leg.on("closed", r));
  (Reflect.get(thread, "current") as { worker: Worker }).worker.terminate();
  await closed;
  expect(pool.inUse).toBe(0);
  const next = await thread.createLeg({ kind: "audio", label: "y", rtcpMux: true, mediaTimeoutMs: 0 });
  const peer = await udp();
  const latched = new Promise((r) => next.on("latched", r));
  peer.send(rtp(1), next.rtpPort, "127.0.0.1");
  expect(await latched).toMatchObject({ kind: "rtp", port: peer.address().port });
});

test("a silent leg on the media thread reports its media timeout to the main thread", async () => {
  const { thread } = startThread("47100-47109");
  const leg = await thread.createLeg({ kind: "audio", label: "silent", rtcpMux: false, mediaTimeoutMs: 300 });
  const started = performance.now();
  const { silentForMs } = await new Promise<{ silentForMs: number }>((r) => leg.on("timeout", r));
  expect(silentForMs).toBeGreaterThanOrEqual(300);
  expect(performance.now() - started).toBeGreaterThanOrEqual(290);
});

test("close() finishes when the worker dies while it is asked to stop", async () => {
  const { thread } = startThread("47110-47119");
  await thread.createLeg({ kind: "audio", label: "x", rtcpMux: true, mediaTimeoutMs: 0 });
  (Reflect.get(thread, "current") as { worker: Worker }).worker.terminate();
  await thread.close(60_000); // no answer will come: the worker's death ends the wait, not the time limit
  expect(thread.running).toBe(false);
});

test("a leg asked for while the thread closes is refused and its ports are free again", async () => {
  const { thread, pool } = startThread("47120-47121");
  const late = thread.createLeg({ kind: "audio", label: "late", rtcpMux: false, mediaTimeoutMs: 0 }).then(() => "made", (e: Error) => e.message);
  await thread.close();
  expect(await late).toMatch(/closed|stopped/);
  expect(pool.inUse).toBe(0);
  const probe = createSocket("udp4");
  open.sockets.push(probe);
  await new Promise<void>((resolve, reject) => { probe.once("error", reject); probe.bind(47120, "127.0.0.1", resolve); });
});

test("a leg that goes quiet is reported again: its bitrate falls to 0", async () => {
  const { thread } = startThread("47130-47139");
  const leg = await thread.createLeg({ kind: "audio", label: "quiet", rtcpMux: true, mediaTimeoutMs: 0 });
  const peer = await udp();
  for (let seq = 1; seq <= 20; seq++) peer.send(rtp(seq), leg.rtpPort, "127.0.0.1");
  await pollUntil(() => leg.stats().rx.bitrateBps, (b) => b > 0, 5000, "a bitrate while packets flow");
  await pollUntil(() => leg.stats().rx.bitrateBps, (b) => b === 0, 5000, "the bitrate back to 0 once they stop");
  expect(leg.stats().rx.packets).toBe(20);
});

test("after three worker deaths within ten minutes new legs are relayed on this thread", async () => {
  const { thread, pool } = startThread("47140-47149");
  const legs = new FallbackRelayLegs(thread, new LocalRelayLegs(pool, systemClock));
  for (let death = 0; death < 3; death++) {
    const leg = await legs.createLeg({ kind: "audio", label: `t${death}`, rtcpMux: true, mediaTimeoutMs: 0 });
    expect(leg).not.toBeInstanceOf(MediaEndpoint);
    const closed = new Promise<void>((r) => leg.on("closed", r));
    (Reflect.get(thread, "current") as { worker: Worker }).worker.terminate();
    await closed;
  }
  expect(thread.healthy).toBe(false);
  const a = await legs.createLeg({ kind: "audio", label: "local-a", rtcpMux: true, mediaTimeoutMs: 0 });
  const b = await legs.createLeg({ kind: "audio", label: "local-b", rtcpMux: true, mediaTimeoutMs: 0 });
  expect(a).toBeInstanceOf(MediaEndpoint);
  const bridge = legs.bridge(a, b, {});
  expect(bridge.closed).toBe(false);
  bridge.close();
});
