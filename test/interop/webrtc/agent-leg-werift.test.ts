/**
 * AgentVideoLeg against a werift peer playing the browser (fast, no Chromium): both media paths carry
 * RTP both ways with PT/SSRC rewritten, keyframe requests cross both ways, the lean path survives
 * garbage and a long loss across a sequence wrap, and the leg's lifecycle (connect timeout, close)
 * ends exactly once. Loopback only.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { createSocket } from "node:dgram";
import { RtpHeader } from "werift";
import { RtpPacket } from "../../../src/media/rtp/index.ts";
import { AgentVideoLeg, type AgentVideoLegOptions, type MediaPathName } from "../../../src/webrtc/index.ts";
import { FakeClock } from "../../support/fake-clock.ts";
import { waitForEvent } from "./support/events.ts";
import { WeriftBrowser } from "./support/werift-browser.ts";

const CALLER = "profile-level-id=42e00c;packetization-mode=1";
const cleanups: (() => unknown)[] = [];
afterEach(async () => { for (const c of cleanups.splice(0).reverse()) await c(); });

async function connected(mediaPath: MediaPathName, extra: Partial<AgentVideoLegOptions> = {}) {
  const browser = new WeriftBrowser();
  const leg = new AgentVideoLeg({ callerH264Fmtp: CALLER, mediaPath, ...extra });
  cleanups.push(() => browser.close(), () => leg.close());
  const answer = await leg.acceptOffer(await browser.offer());
  const up = waitForEvent(leg, "connected", 5000);
  await browser.accept(answer);
  await Promise.all([up, browser.connected()]);
  return { browser, leg, answer };
}

function callerPacket(seq: number, size = 900): Uint8Array {
  return new RtpPacket({ payloadType: 97, sequenceNumber: seq, timestamp: seq * 3000, ssrc: 0x1111, marker: true },
    new Uint8Array(size).fill(seq & 0xff)).serialize();
}

function legPort(answer: string): number {
  const m = /^a=candidate:\S+ 1 udp \d+ 127\.0\.0\.1 (\d+) typ host/m.exec(answer);
  if (!m) throw new Error("no loopback host candidate in the answer");
  return Number(m[1]);
}

for (const mediaPath of ["lean", "werift"] as const) {
  describe(`${mediaPath} media path with a werift browser`, () => {
    test("caller RTP reaches the browser with the negotiated PT and our SSRC; the input is not modified", async () => {
      const { browser, leg } = await connected(mediaPath);
      const { payloadType, localSsrc } = leg.negotiated!;
      const received: { pt: number; ssrc: number; len: number }[] = [];
      const all = new Promise<void>((resolve) => {
        browser.transceiver.receiver.track.onReceiveRtp.subscribe((p) => {
          received.push({ pt: p.header.payloadType, ssrc: p.header.ssrc, len: p.payload.length });
          if (received.length === 20) resolve();
        });
      });
      const packets = Array.from({ length: 20 }, (_, i) => callerPacket(i + 1));
      const copies = packets.map((p) => p.slice());
      for (const p of packets) expect(leg.sendRtp(p)).toBe(true);
      await all;
      expect(received.every((r) => r.pt === payloadType && r.ssrc === localSsrc && r.len === 900)).toBe(true);
      expect(packets).toEqual(copies);
      expect(leg.stats.rtpSent).toEqual({ packets: 20, bytes: 20 * 912 });
    });

    test("browser RTP arrives on the rtp event; PLI from the browser is a keyframe-request; requestKeyframe() reaches the browser", async () => {
      const { browser, leg } = await connected(mediaPath);
      const rtp = waitForEvent(leg, "rtp", 3000);
      await browser.transceiver.sender.sendRtp(Buffer.from(callerPacket(7, 500)));
      const [packet] = await rtp;
      expect(packet[1]! & 0x7f).toBe(leg.negotiated!.payloadType);
      expect(packet.length).toBe(512);

      const request = waitForEvent(leg, "keyframe-request", 3000);
      await browser.transceiver.receiver.sendRtcpPLI(leg.negotiated!.localSsrc);
      expect((await request)[0]).toBe("pli");

      const browserSsrc = browser.transceiver.sender.ssrc;
      const pliAtBrowser = new Promise<void>((resolve) => browser.transceiver.dtlsTransport.onRtcp.subscribe((p) => {
        const fb = (p as { type: number; feedback?: { count: number; mediaSsrc: number } });
        if (fb.type === 206 && fb.feedback?.count === 1 && fb.feedback.mediaSsrc === browserSsrc) resolve();
      }));
      expect(leg.requestKeyframe()).toBe(true);
      await pliAtBrowser;
      expect(leg.stats.keyframeRequestsSent).toBe(1);
      expect(leg.stats.keyframeRequestsReceived).toBe(1);
    });
  });
}

describe("lean media path robustness", () => {
  test("garbage on the leg's port is counted and dropped; media keeps flowing", async () => {
    const { browser, leg, answer } = await connected("lean");
    const junk = createSocket("udp4");
    cleanups.push(() => junk.close());
    const port = legPort(answer);
    const fakeSrtp = callerPacket(9, 200);
    const shortRtp = new Uint8Array([0x80, 0x60, 0, 1, 0, 0]);
    const fakeSrtcp = new Uint8Array(40).fill(0xaa);
    fakeSrtcp[0] = 0x80; fakeSrtcp[1] = 200;
    for (const j of [fakeSrtp, shortRtp, fakeSrtcp, new Uint8Array(300).fill(0x90)]) junk.send(j, port, "127.0.0.1");
    const rejected = waitForEvent(leg, "rtp", 3000);
    // A real packet sent after the junk proves the junk did not break the stream.
    await new Promise<void>((resolve) => junk.send(new Uint8Array(1), port, "127.0.0.1", () => resolve()));
    await browser.transceiver.sender.sendRtp(Buffer.from(callerPacket(10, 300)));
    await rejected;
    expect(leg.stats.receiveRejected).toBeGreaterThanOrEqual(4);
    expect(leg.stats.rtpReceived.packets).toBe(1);
  });

  test("200 packets lost across a sequence wrap: the stream still decrypts (RFC 3711 §3.3.1 index estimate)", async () => {
    const { browser, leg } = await connected("lean");
    const dtls = browser.transceiver.dtlsTransport;
    const lost = (seq: number) => seq > 65400 || seq < 65;
    // Lose packets on the wire (after the browser's SRTP, whose ROC stays right), seen by their clear-text seq.
    const connection = dtls.iceTransport.connection;
    const send = connection.send.bind(connection);
    connection.send = async (data: Buffer) => {
      if (data[0]! >> 6 === 2 && (data[1]! < 192 || data[1]! > 223) && lost((data[2]! << 8) | data[3]!)) return;
      await send(data);
    };
    const seqs: number[] = [];
    leg.on("rtp", (p) => seqs.push((p[2]! << 8) | p[3]!));
    const last = waitForEvent(leg, "rtp", 3000, (p) => ((p[2]! << 8) | p[3]!) === 164);
    for (let i = 0; i <= 400; i++) {
      const seq = (65300 + i) & 0xffff;
      await dtls.sendRtp(Buffer.alloc(100, seq & 0xff), new RtpHeader({
        payloadType: leg.negotiated!.payloadType, sequenceNumber: seq, timestamp: seq * 10, ssrc: 0x2222, marker: true,
      }));
    }
    await last;
    expect(seqs.length).toBe(201);
    expect(seqs.at(100)).toBe(65400);
    expect(seqs.at(101)).toBe(65);
    expect(leg.stats.receiveRejected).toBe(0);
  });
});

describe("ICE candidates", () => {
  const candidates = (sdp: string) => [...sdp.matchAll(/^a=candidate:\S+ \d+ (\S+) \d+ (\S+) (\d+) typ (\S+)/gm)]
    .map((m) => ({ transport: m[1], address: m[2], port: Number(m[3]), type: m[4] }));

  test("the answer has one host candidate, on the configured address only (no interface enumeration)", async () => {
    const browser = new WeriftBrowser();
    const leg = new AgentVideoLeg({ callerH264Fmtp: CALLER });
    cleanups.push(() => browser.close(), () => leg.close());
    const found = candidates(await leg.acceptOffer(await browser.offer()));
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ transport: "udp", address: "127.0.0.1", type: "host" });
  });

  test("the answer carries b=AS: the caller's level max bitrate (42e00c = level 1.2: 384 kbit/s) or the configured cap", async () => {
    const browser = new WeriftBrowser();
    const byLevel = new AgentVideoLeg({ callerH264Fmtp: CALLER });
    const capped = new AgentVideoLeg({ callerH264Fmtp: CALLER, maxBitrateKbps: 150 });
    const noLevel = new AgentVideoLeg({ callerH264Fmtp: "packetization-mode=1" });
    cleanups.push(() => browser.close(), () => byLevel.close(), () => capped.close(), () => noLevel.close());
    const offer = await browser.offer();
    const bandwidth = (sdp: string) => sdp.split(/\r?\n/).filter((l) => l.startsWith("b="));
    expect(bandwidth(await byLevel.acceptOffer(offer))).toEqual(["b=AS:384"]);
    expect(bandwidth(await capped.acceptOffer(offer))).toEqual(["b=AS:150"]);
    expect(bandwidth(await noLevel.acceptOffer(offer))).toEqual([]);
  });

  test("publicIp is announced instead of the bound address, same port", async () => {
    const browser = new WeriftBrowser();
    const natted = new AgentVideoLeg({ callerH264Fmtp: CALLER, publicIp: "203.0.113.7" });
    cleanups.push(() => browser.close(), () => natted.close());
    const found = candidates(await natted.acceptOffer(await browser.offer()));
    expect(found.map((c) => c.address)).toEqual(["203.0.113.7"]);
    expect(found[0]!.port).toBeGreaterThan(0);
  });
});

describe("leg lifecycle", () => {
  test("sendRtp before the leg is connected is dropped and counted", () => {
    const leg = new AgentVideoLeg({ callerH264Fmtp: CALLER });
    expect(leg.sendRtp(callerPacket(1))).toBe(false);
    expect(leg.requestKeyframe()).toBe(false);
    expect(leg.stats.sendDropped).toBe(2);
    leg.close();
  });

  test("no ICE/DTLS within connectTimeoutMs: closed('timeout') once; close() afterwards is a no-op", async () => {
    const clock = new FakeClock();
    const browser = new WeriftBrowser();
    const leg = new AgentVideoLeg({ callerH264Fmtp: CALLER, clock, connectTimeoutMs: 3000 });
    cleanups.push(() => browser.close(), () => leg.close());
    const reasons: string[] = [];
    leg.on("closed", (r) => reasons.push(r));
    await leg.acceptOffer(await browser.offer()); // the browser never applies the answer
    clock.advance(2999);
    expect(leg.closed).toBe(false);
    clock.advance(1);
    expect(reasons).toEqual(["timeout"]);
    leg.close();
    leg.close();
    expect(reasons).toEqual(["timeout"]);
    expect(clock.pending()).toBe(0);
  });

  test("a browser that goes silent without a DTLS close (werift sends none) closes the leg as inactive; RTCP keeps it open", async () => {
    const clock = new FakeClock();
    const { browser, leg } = await connected("lean", { clock, inactivityTimeoutMs: 6000 });
    const reasons: string[] = [];
    leg.on("closed", (r) => reasons.push(r));
    clock.advance(5000);
    const pli = waitForEvent(leg, "keyframe-request", 3000);
    await browser.transceiver.receiver.sendRtcpPLI(leg.negotiated!.localSsrc);
    await pli; // RTCP from the browser at t=5 s
    clock.advance(5000);
    expect(reasons).toEqual([]);
    await browser.close();
    clock.advance(1000);
    expect(reasons).toEqual(["inactive"]);
    expect(clock.pending()).toBe(0);
  });

  test("close() after connect emits closed('local') once and stops sending", async () => {
    const { leg } = await connected("lean");
    const reasons: string[] = [];
    leg.on("closed", (r) => reasons.push(r));
    leg.close();
    leg.close();
    expect(reasons).toEqual(["local"]);
    expect(leg.sendRtp(callerPacket(1))).toBe(false);
  });

  test("acceptOffer twice, or an offer without the caller's packetization-mode, is a typed error", async () => {
    const browser = new WeriftBrowser({ h264Fmtps: ["level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f"] });
    const leg = new AgentVideoLeg({ callerH264Fmtp: CALLER });
    const mode0Caller = new AgentVideoLeg({ callerH264Fmtp: "profile-level-id=42e00c;packetization-mode=0" });
    cleanups.push(() => browser.close(), () => leg.close(), () => mode0Caller.close());
    const offer = await browser.offer();
    await leg.acceptOffer(offer);
    await expect(leg.acceptOffer(offer)).rejects.toMatchObject({ name: "WebRtcLegError", code: "closed" });
    await expect(mode0Caller.acceptOffer(offer)).rejects.toMatchObject({ code: "no-matching-h264" });
    expect(mode0Caller.closed).toBe(false); // nothing was set up: the caller may still close() it
  });
});
