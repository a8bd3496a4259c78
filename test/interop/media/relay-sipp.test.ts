/**
 * sipp (the VoLTE caller) plays PCMU (rtp_stream) and H.264 (pcap) into avsplit's relay; a socket sink on the
 * far side counts what comes out. Then a second call from new media ports stands in for a re-INVITE (new
 * source: new ports; sipp replays the same pcap, so the video restarts with the SAME SSRC and sequence);
 * the session layer's re-INVITE handling is simulated with setRemote() + resync(). The far end must see one
 * SSRC per m-line and sequence numbers continuing +1 across both calls.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RtpPacket } from "../../../src/media/rtp/index.ts";
import { PortPool } from "../../../src/media/ports/index.ts";
import { Bridge, MediaEndpoint, type MediaKind } from "../../../src/media/relay/index.ts";

const SIPP = Bun.which("sipp");
import { PEERS } from "../../support/peers.ts";
const isRoot = process.getuid?.() === 0; // sipp's pcap play needs a raw socket

interface Received { ssrc: number; seq: number; ts: number; pt: number }

/** Far-end receiver: a plain socket that records RTP headers. */
async function sink() {
  const got: Received[] = [];
  const socket = await Bun.udpSocket({
    hostname: "127.0.0.1", port: 0, binaryType: "uint8array",
    socket: {
      data(_s, data) {
        const h = RtpPacket.deSerialize(data).header;
        got.push({ ssrc: h.ssrc, seq: h.sequenceNumber, ts: h.timestamp, pt: h.payloadType });
      },
    },
  });
  return { got, port: socket.port, close: () => socket.close() };
}

const randomPort = (lo: number, span: number) => lo + 2 * Math.floor(Math.random() * (span / 2));

describe.skipIf(!SIPP || !isRoot)("relay with sipp media", () => {
  let dir = "";
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "avsplit-relay-sipp-"));
    cpSync(join(PEERS, "sipp"), join(dir, "sipp"), { recursive: true });
    cpSync(join(PEERS, "media"), join(dir, "media"), { recursive: true });
    const uac = readFileSync(join(dir, "sipp/uac_av_media.xml"), "utf8").replaceAll("@PEERS@", dir);
    writeFileSync(join(dir, "uac.xml"), uac);
  });
  afterAll(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

  test("one SSRC and continuous sequence numbers per m-line, across a re-INVITE from new ports", async () => {
    const base = randomPort(32768, 18000);
    const pool = new PortPool({ range: { min: base, max: base + 99 } });
    const callerMp1 = randomPort(52000, 4000);
    const callerMp2 = callerMp1 + 4;
    const legs: Record<MediaKind, { caller: MediaEndpoint; far: MediaEndpoint; bridge: Bridge; sink: Awaited<ReturnType<typeof sink>> }> =
      {} as never;
    for (const [kind, offset] of [["audio", 0], ["video", 2]] as const) {
      const s = await sink();
      const caller = await MediaEndpoint.create({
        pool, kind, rtcpMux: false, label: `caller-${kind}`, remote: { address: "127.0.0.1", port: callerMp1 + offset },
      });
      const far = await MediaEndpoint.create({
        pool, kind, rtcpMux: true, label: `far-${kind}`, remote: { address: "127.0.0.1", port: s.port },
      });
      legs[kind] = { caller, far, bridge: new Bridge(caller, far), sink: s };
    }
    const uasPort = randomPort(56000, 2000) + 1;
    const uas = uasScenario(dir, legs.audio.caller.rtpPort, legs.video.caller.rtpPort);
    const uasProc = Bun.spawn([SIPP!, "-sf", uas, "-i", "127.0.0.1", "-p", String(uasPort), "-mi", "127.0.0.1",
      "-mp", String(randomPort(58000, 2000)), "-m", "2", "-nostdin", "-timeout", "25s"], { cwd: dir, stdout: "ignore", stderr: "pipe" });
    try {
      const call = async (mp: number) => {
        const uac = Bun.spawn([SIPP!, "-sf", join(dir, "uac.xml"), "-s", "b", "-i", "127.0.0.1", "-p", String(uasPort + 2),
          "-mi", "127.0.0.1", "-mp", String(mp), `127.0.0.1:${uasPort}`, "-m", "1", "-d", "2500", "-nostdin",
          "-timeout", "12s", "-timeout_error"], { cwd: dir, stdout: "ignore", stderr: "pipe" });
        expect(await uac.exited).toBe(0);
      };
      await call(callerMp1);
      const firstCall = { audio: legs.audio.sink.got.length, video: legs.video.sink.got.length };
      // re-INVITE from the caller with new media ports: the session layer updates the legs
      for (const [kind, offset] of [["audio", 0], ["video", 2]] as const) {
        legs[kind].caller.setRemote({ address: "127.0.0.1", port: callerMp2 + offset });
        legs[kind].bridge.resync();
      }
      await call(callerMp2);
      await waitQuiet(() => legs.video.sink.got.length + legs.audio.sink.got.length);

      for (const kind of ["audio", "video"] as const) {
        const { got } = legs[kind].sink;
        const first = kind === "audio" ? firstCall.audio : firstCall.video;
        expect(first).toBeGreaterThan(kind === "audio" ? 50 : 100);
        expect(got.length).toBeGreaterThan(first + (kind === "audio" ? 50 : 100));
        expect(new Set(got.map((p) => p.ssrc))).toEqual(new Set([legs[kind].far.ssrc]));
        const steps = new Set(got.slice(1).map((p, i) => (p.seq - got[i].seq) & 0xffff));
        expect([...steps]).toEqual([1]);
        // the timestamp keeps moving forward across the switch
        const jump = (got[first].ts - got[first - 1].ts) >>> 0;
        expect(jump).toBeGreaterThan(0);
        expect(jump).toBeLessThan(kind === "audio" ? 8000 * 5 : 90000 * 5);
        expect(legs[kind].caller.stats().rx.lost).toBeLessThanOrEqual(0);
      }
      expect(legs.video.sink.got.every((p) => p.pt === 97)).toBe(true);
      expect(legs.audio.sink.got.every((p) => p.pt === 0)).toBe(true);
    } finally {
      uasProc.kill();
      for (const k of ["audio", "video"] as const) { legs[k]?.bridge.close(); legs[k]?.sink.close(); }
    }
  }, 30_000);
});

/** Minimal UAS whose SDP points the caller's media at the relay's caller-side ports. */
function uasScenario(dir: string, audioPort: number, videoPort: number): string {
  const path = join(dir, "uas_relay.xml");
  writeFileSync(path, `<?xml version="1.0" encoding="ISO-8859-1" ?>
<!DOCTYPE scenario SYSTEM "sipp.dtd">
<scenario name="UAS answering with the relay's ports">
  <recv request="INVITE" crlf="true"/>
  <send><![CDATA[

      SIP/2.0 200 OK
      [last_Via:]
      [last_From:]
      [last_To:];tag=[pid]SIPpTag01[call_number]
      [last_Call-ID:]
      [last_CSeq:]
      Contact: <sip:relay@[local_ip]:[local_port];transport=[transport]>
      Content-Type: application/sdp
      Content-Length: [len]

      v=0
      o=- 1 1 IN IP4 127.0.0.1
      s=-
      c=IN IP4 127.0.0.1
      t=0 0
      m=audio ${audioPort} RTP/AVP 0
      a=rtpmap:0 PCMU/8000
      m=video ${videoPort} RTP/AVP 97
      a=rtpmap:97 H264/90000
      a=fmtp:97 profile-level-id=42C01F;packetization-mode=1

    ]]></send>
  <recv request="ACK" crlf="true"/>
  <recv request="BYE"/>
  <send><![CDATA[

      SIP/2.0 200 OK
      [last_Via:]
      [last_From:]
      [last_To:]
      [last_Call-ID:]
      [last_CSeq:]
      Content-Length: 0

    ]]></send>
</scenario>
`);
  return path;
}

/** Resolves once `count()` stopped growing for 300 ms (the tail of the pcap drains), at most 3 s. */
async function waitQuiet(count: () => number): Promise<void> {
  let last = -1;
  for (let i = 0; i < 30 && count() !== last; i++) {
    last = count();
    await Bun.sleep(300);
  }
}
