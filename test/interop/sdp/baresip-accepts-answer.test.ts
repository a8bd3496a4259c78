/**
 * A real SIP peer honours the answers src/sdp writes: baresip 1.0.0 dials a minimal UAS in this test,
 * gets our answer in the 200 OK, and then sends RTP with exactly the payload types we chose
 * (PCMU for audio; H.264 packetization-mode 0 as pt 96, or mode 1 as pt 97 when that is all we take).
 */
import { afterEach, describe, expect, test } from "bun:test";
import { createSocket, type Socket } from "node:dgram";
import { join } from "node:path";
import {
  answerOffer, createOrigin, parseSdp, policyByKind, RELAYED_H264_FORMATS, serializeSdp, SIP_VIDEO_FEEDBACK,
} from "../../../src/sdp/index.ts";
import { freeTcpPort, freeUdpTcpPort } from "../../support/free-port.ts";
import { tempDir } from "../../support/temp-dir.ts";

import { PEERS } from "../../support/peers.ts";
const HAVE_BARESIP = Bun.which("baresip") !== null;
const cleanups: (() => void)[] = [];
afterEach(() => { for (const c of cleanups.splice(0).reverse()) c(); });

function udp(port = 0): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = createSocket("udp4");
    s.once("error", reject);
    s.bind(port, "127.0.0.1", () => resolve(s));
    cleanups.push(() => s.close());
  });
}

/** First RTP payload type that arrives on a socket. */
function firstPayloadType(s: Socket, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("no RTP within " + timeoutMs + " ms")), timeoutMs);
    s.on("message", (m) => {
      if (m.length >= 12 && m[0] >> 6 === 2) { clearTimeout(timer); resolve(m[1] & 0x7f); }
    });
  });
}

function header(msg: string, name: string): string {
  const m = new RegExp(`^${name}:\\s*(.*)$`, "mi").exec(msg);
  if (!m) throw new Error(`no ${name} in INVITE`);
  return m[1].trim();
}

/** Answers the first INVITE with a 200 OK carrying `answer(offerText)`; ACK/BYE are absorbed (BYE gets 200). */
function uas(sip: Socket, answer: (offer: string) => string): Promise<string> {
  return new Promise((resolve) => {
    sip.on("message", (buf, rinfo) => {
      const msg = buf.toString("latin1");
      const reply = (status: string, body = "", extra = "") => {
        const head = [
          `SIP/2.0 ${status}`, `Via: ${header(msg, "Via")}`, `From: ${header(msg, "From")}`, `To: ${header(msg, "To")};tag=sdptest`,
          `Call-ID: ${header(msg, "Call-ID")}`, `CSeq: ${header(msg, "CSeq")}`, `Contact: <sip:uas@127.0.0.1:${sip.address().port}>`,
          ...(extra ? [extra] : []), `Content-Length: ${Buffer.byteLength(body)}`, "", "",
        ].join("\r\n");
        sip.send(head + body, rinfo.port, rinfo.address);
      };
      if (msg.startsWith("INVITE ")) {
        const offer = msg.slice(msg.indexOf("\r\n\r\n") + 4);
        reply("200 OK", answer(offer), "Content-Type: application/sdp");
        resolve(offer);
      } else if (msg.startsWith("BYE ")) {
        reply("200 OK");
      }
    });
  });
}

async function dialUs(sipPort: number): Promise<void> {
  const dir = tempDir("avsplit-baresip-");
  cleanups.push(() => dir.cleanup());
  const [own, ctrl, http] = [await freeUdpTcpPort(), await freeTcpPort(), await freeTcpPort()];
  const rtpBase = 40000 + 2 * Math.floor(Math.random() * 10000);
  const conf = Bun.spawnSync(["sh", join(PEERS, "baresip/mkconf.sh"), dir.path, "a", String(own), `${rtpBase}-${rtpBase + 99}`,
    String(ctrl), String(http), "manual", "cairo,nil", "ausine,440"], { env: { ...process.env, PEERS } });
  if (conf.exitCode !== 0) throw new Error(conf.stderr.toString());
  const proc = Bun.spawn(["baresip", "-f", dir.path, "-t", "10", "-e", `/dial sip:b@127.0.0.1:${sipPort}`], {
    stdin: "ignore", stdout: "ignore", stderr: "ignore",
  });
  cleanups.push(() => proc.kill());
}

describe.skipIf(!HAVE_BARESIP)("baresip 1.0.0 takes our answer", () => {
  test.each([
    ["both H.264 modes accepted: the first offered (mode 0, pt 96) is chosen", RELAYED_H264_FORMATS, 96],
    ["only mode 1 accepted: baresip sends pt 97, its mode-1 format", RELAYED_H264_FORMATS.filter((c) => c.params?.some((p) => p.value === "1")), 97],
  ] as const)("%s", async (_name, videoCodecs, videoPt) => {
    const [sip, audio, video] = [await udp(), await udp(), await udp()];
    const origin = createOrigin({ address: "127.0.0.1", sessionId: "4242" });
    const offered = uas(sip, (offerText) => {
      const r = answerOffer(parseSdp(offerText), {
        origin,
        mediaPolicy: policyByKind({
          audio: { transport: { address: "127.0.0.1", port: audio.address().port }, codecs: [{ name: "PCMU", clockRate: 8000 }] },
          video: { transport: { address: "127.0.0.1", port: video.address().port }, codecs: videoCodecs, feedback: SIP_VIDEO_FEEDBACK },
        }),
      });
      if (!r.ok) throw new Error(r.rejection.detail);
      return serializeSdp(r.answer);
    });
    const audioPt = firstPayloadType(audio, 8000);
    const videoPtReceived = firstPayloadType(video, 8000);
    await dialUs(sip.address().port);
    const offer = parseSdp(await offered);
    expect(offer.media.map((m) => m.kind)).toEqual(["audio", "video"]);
    expect(await audioPt).toBe(0);
    expect(await videoPtReceived).toBe(videoPt);
  }, 20_000);
});
