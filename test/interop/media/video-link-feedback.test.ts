/**
 * RTCP feedback across the split's video link (VideoLink: caller MediaEndpoint <-> AgentVideoLeg), with a werift
 * peer as the agent's browser and plain UDP sockets as the SIP caller, negotiated through the real caller policy:
 * - a PLI from the agent reaches a caller that only negotiated `ccm fir` as a FIR (new command sequence number),
 *   never as a PLI — read at the caller's RTCP socket and in a tshark capture of the loopback wire;
 * - a caller's NACK for agent video the appliance never received goes on to the browser, whose resend reaches the caller.
 */
import { afterEach, expect, test } from "bun:test";
import { parseRtcp, serializeRtcp, GenericNack, RtcpReceiverReport, type FullIntraRequest } from "../../../src/media/rtcp/index.ts";
import { readSequenceNumber, RtpPacket } from "../../../src/media/rtp/index.ts";
import { FakeClock } from "../../support/fake-clock.ts";
import { pollUntil } from "../../support/poll.ts";
import { UdpPeer } from "../../unit/relay/helpers.ts";
import { WeriftBrowser } from "../webrtc/support/werift-browser.ts";
import { nextRtcp, sipVideoCaller } from "./support/sip-video-caller.ts";

const TSHARK = Bun.which("tshark");
const canCapture = !!TSHARK && process.getuid?.() === 0;
const cleanups: (() => unknown)[] = [];
afterEach(async () => { for (const c of cleanups.splice(0).reverse()) await c(); });

const CALLER_SSRC = 0xca11e4;
const PSFB = 206;

/** A SIP caller's video (RTP and RTCP sockets), an answer from avsplit's caller policy, and a connected agent leg. */
async function linkedCall(callerFeedback: string[]) {
  const clock = new FakeClock();
  const caller = await sipVideoCaller({ feedback: callerFeedback, clock });
  const browser = new WeriftBrowser();
  cleanups.push(() => browser.close(), () => caller.close());
  const { rtp, callerVideo, link } = caller;
  // The caller's video is flowing before the agent joins (the FIR names its SSRC).
  const callerRtp = new RtpPacket({ payloadType: 97, sequenceNumber: 1, timestamp: 0, ssrc: CALLER_SSRC }, new Uint8Array([0x65, 0])).serialize();
  rtp.send(callerRtp, callerVideo.rtpPort);
  await pollUntil(() => callerVideo.rx.ssrc, (ssrc) => ssrc === CALLER_SSRC, 3000, "the caller's first packet");
  const connected = new Promise<void>((resolve) => link.once("connected", resolve));
  const agentAnswer = await link.accept(await browser.offer());
  await browser.accept(agentAnswer);
  await Promise.all([connected, browser.connected()]);
  const agentLegSsrc = Number(/^a=ssrc:(\d+) /m.exec(agentAnswer)![1]);
  return { ...caller, browser, clock, agentLegSsrc };
}

/** One RTCP packet as tshark's own dissector reads it off the loopback wire. */
interface WireRtcp { srcPort: number; dstPort: number; pt: string; psfbFmt: string; firSsrc: string; firCsn: string }

/** tshark decoding UDP `port` as RTCP, live and line-buffered; next() awaits a packet `match` accepts. */
async function wireRtcp(port: number) {
  const proc = Bun.spawn([TSHARK!, "-i", "lo", "-l", "-f", `udp port ${port}`, "-d", `udp.port==${port},rtcp`, "-T", "fields",
    "-e", "udp.srcport", "-e", "udp.dstport", "-e", "rtcp.pt", "-e", "rtcp.psfb.fmt", "-e", "rtcp.psfb.fir.fci.ssrc", "-e", "rtcp.psfb.fir.fci.csn"],
    { stdout: "pipe", stderr: "pipe" });
  cleanups.push(() => proc.kill());
  const stderr = proc.stderr.getReader();
  let banner = "";
  while (!banner.includes("Capturing on")) {
    const { value, done } = await stderr.read();
    if (done) throw new Error(`tshark did not start: ${banner}`);
    banner += new TextDecoder().decode(value);
  }
  const seen: WireRtcp[] = [];
  const stdout = proc.stdout.getReader();
  const lines = (async function* () {
    let rest = "";
    for (let r = await stdout.read(); !r.done; r = await stdout.read()) {
      rest += new TextDecoder().decode(r.value);
      const parts = rest.split("\n");
      rest = parts.pop()!;
      yield* parts;
    }
  })();
  const wire = {
    seen,
    async next(match: (p: WireRtcp) => boolean): Promise<WireRtcp> {
      // lines.next(), not for-await: leaving a for-await loop would close the generator for the next call.
      for (let r = await lines.next(); !r.done; r = await lines.next()) {
        const [srcPort, dstPort, pt = "", psfbFmt = "", firSsrc = "", firCsn = ""] = r.value.split("\t");
        const packet = { srcPort: Number(srcPort), dstPort: Number(dstPort), pt, psfbFmt, firSsrc, firCsn };
        seen.push(packet);
        if (match(packet)) return packet;
      }
      throw new Error("tshark ended");
    },
  };
  // tshark says "Capturing on" before packets are really captured: probe with RRs until one shows up.
  const probe = await UdpPeer.open();
  const timer = setInterval(() => probe.send(serializeRtcp([new RtcpReceiverReport(0x9e0be)]), port), 50);
  try { await wire.next((p) => p.srcPort === probe.port); } finally { clearInterval(timer); probe.close(); }
  seen.length = 0;
  return wire;
}

test.skipIf(!canCapture)("a PLI from the agent reaches a caller that only takes FIR as a FIR, on the wire", async () => {
  const call = await linkedCall(["ccm fir"]);
  expect(call.answer.media[0]!.codecs[0]!.rtcpFb.map((f) => `${f.type} ${f.subtype ?? ""}`.trim())).toEqual(["ccm fir"]);
  // The join asked the caller for a keyframe (FIR #0); the agent's PLI comes after the rate-limit window.
  const join = await nextRtcp(call.rtcp, (t) => t === "fir");
  expect((parseRtcp(join.datagram.data).find((p) => p.type === "fir") as FullIntraRequest).entries).toEqual([{ ssrc: CALLER_SSRC, seqNr: 0 }]);
  call.clock.advance(2100);

  const legPort = call.callerVideo.rtcpPort;
  const wire = await wireRtcp(call.rtcp.port);
  const pliSent = call.browser.transceiver.receiver.sendRtcpPLI(call.agentLegSsrc);
  const { datagram, types } = await nextRtcp(call.rtcp, (t) => t === "fir" || t === "pli");
  await pliSent;
  expect(types).not.toContain("pli");
  const fir = parseRtcp(datagram.data).find((p) => p.type === "fir") as FullIntraRequest;
  expect(fir.senderSsrc).toBe(call.callerVideo.ssrc);
  expect(fir.entries).toEqual([{ ssrc: CALLER_SSRC, seqNr: 1 }]);
  expect(datagram.port).toBe(legPort);
  expect(call.sipInfos).toEqual([]);

  // tshark's RTCP dissector sees the same on the wire: payload-specific feedback (206) format 4, command sequence 1.
  const onWire = await wire.next((p) => p.srcPort === legPort && p.pt.split(",").includes(String(PSFB)));
  expect(onWire).toMatchObject({ dstPort: call.rtcp.port, psfbFmt: "4", firCsn: "1" });
  expect(Number(onWire.firSsrc)).toBe(CALLER_SSRC);
  expect(wire.seen.filter((p) => p.psfbFmt.split(",").includes("1"))).toEqual([]);
}, 30_000);

test("a caller's NACK for agent video the appliance never received reaches the browser, and its resend reaches the caller", async () => {
  const call = await linkedCall(["nack", "nack pli", "ccm fir"]);
  const sender = call.browser.transceiver.sender;
  // The browser -> appliance hop loses the 11th packet once (werift keeps it in its own history).
  const dtls = sender.dtlsTransport;
  const send = dtls.sendRtp.bind(dtls);
  let calls = 0;
  dtls.sendRtp = (payload, header) => (++calls === 11 ? Promise.resolve(0) : send(payload, header));

  const atCaller = new Map<number, Uint8Array>();
  const seen = async () => {
    for (;;) {
      const d = await call.rtp.next(3000);
      atCaller.set(readSequenceNumber(d.data), d.data);
    }
  };
  void seen().catch(() => undefined);
  for (let i = 0; i < 20; i++) {
    await sender.sendRtp(Buffer.from(new RtpPacket({ payloadType: 96, sequenceNumber: i, timestamp: i * 3000, ssrc: 1, marker: true },
      new Uint8Array(300).fill(i)).serialize()));
  }
  await pollUntil(() => atCaller.size, (n) => n === 19, 3000, "19 of 20 agent packets at the caller");
  const seqs = [...atCaller.keys()].sort((a, b) => a - b);
  const missing = seqs.find((s, i) => i > 0 && s !== seqs[i - 1]! + 1)! - 1;
  expect(atCaller.has(missing)).toBe(false);

  call.rtcp.send(serializeRtcp([new RtcpReceiverReport(CALLER_SSRC), new GenericNack(CALLER_SSRC, call.callerVideo.ssrc, [missing])]),
    call.callerVideo.rtcpPort);
  await pollUntil(() => atCaller.has(missing), Boolean, 3000, "the browser's resend at the caller");
  expect(atCaller.get(missing)!.subarray(12)).toEqual(new Uint8Array(300).fill(10));
  expect(call.callerVideo.stats().tx.nack).toMatchObject({ served: 0, missed: 1 });
}, 30_000);
