import { afterEach, expect, test } from "bun:test";
import { createSocket, type Socket } from "node:dgram";
import { PortPool } from "../../../src/media/ports/index.ts";
import { MediaEndpoint } from "../../../src/media/relay/index.ts";
import { parseRtcp, RtcpReceiverReport, RtcpSourceDescription } from "../../../src/media/rtcp/index.ts";
import { RtcpReporter } from "../../../src/session/rtcp-reporter.ts";
import { FakeClock } from "../../support/fake-clock.ts";

const cleanups: (() => void)[] = [];
afterEach(() => { for (const c of cleanups.splice(0)) c(); });

function udpPeer(): Promise<Socket> {
  return new Promise((resolve) => {
    const s = createSocket("udp4");
    cleanups.push(() => s.close());
    s.bind(0, "127.0.0.1", () => resolve(s));
  });
}

test("each leg with a destination gets an RR + SDES CNAME compound on its RTCP port, within 1.5 intervals", async () => {
  const base = 50000 + 2 * Math.floor(Math.random() * 5000);
  const pool = new PortPool({ range: `${base}-${base + 19}`, host: "127.0.0.1" });
  cleanups.push(() => pool.close());
  const clock = new FakeClock();
  const peer = await udpPeer();
  const rtcpPeer = await udpPeer();
  const endpoint = await MediaEndpoint.create({ pool, kind: "audio", rtcpMux: false, clock });
  cleanups.push(() => endpoint.close());
  endpoint.setRemote({ address: "127.0.0.1", port: peer.address().port, rtcpPort: rtcpPeer.address().port });
  const silent = await MediaEndpoint.create({ pool, kind: "video", rtcpMux: false, clock });
  cleanups.push(() => silent.close());

  const received = new Promise<Uint8Array>((resolve) => rtcpPeer.once("message", (m) => resolve(new Uint8Array(m))));
  const reporter = new RtcpReporter(clock, () => [endpoint, silent, undefined], "avsplit@test");
  cleanups.push(() => reporter.close());
  clock.advance(7500);

  const [rr, sdes] = parseRtcp(await received);
  expect(rr).toBeInstanceOf(RtcpReceiverReport);
  expect((rr as RtcpReceiverReport).ssrc).toBe(endpoint.ssrc);
  expect(sdes).toBeInstanceOf(RtcpSourceDescription);
  expect((sdes as RtcpSourceDescription).cname).toBe("avsplit@test");
  reporter.close();
  expect(clock.pending()).toBe(0);
});
