/**
 * Interop with an independent SRTP implementation (ffmpeg's libavformat/srtp.c), on loopback:
 * ffmpeg protects RTP + SRTCP that we unprotect, and ffmpeg decodes the SRTP we protect (via an SDP with a=crypto).
 * Both directions cross a sequence-number wrap.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import { createSocket, type Socket } from "node:dgram";
import { readFileSync, writeFileSync } from "node:fs";
import { SRTP_PROFILES, SrtpProtector, SrtpUnprotector, type SrtpProfile } from "../../../src/media/srtp/index.ts";
import { pollUntil } from "../../support/poll.ts";
import { tempDir } from "../../support/temp-dir.ts";

const haveFfmpeg = Bun.which("ffmpeg") !== null;
const dir = tempDir("avsplit-srtp-ffmpeg-");
afterAll(() => dir.cleanup());

const SUITES = [SRTP_PROFILES.AES_CM_128_HMAC_SHA1_80, SRTP_PROFILES.AES_CM_128_HMAC_SHA1_32];

function masterKeys(material: Buffer) {
  return { masterKey: material.subarray(0, 16), masterSalt: material.subarray(16) };
}

async function bound(): Promise<Socket> {
  const s = createSocket("udp4");
  await new Promise<void>((resolve) => s.bind(0, "127.0.0.1", () => resolve()));
  return s;
}

/** Whether some process has a UDP socket bound to `port` (ffmpeg binds the wildcard address and announces nothing). */
function udpPortBound(port: number): boolean {
  const suffix = `:${port.toString(16).toUpperCase().padStart(4, "0")}`;
  // "  sl: local_address rem_address ..." (sl is right-aligned, so trim before splitting)
  return readFileSync("/proc/net/udp", "utf8").split("\n").some((line) => line.trim().split(/\s+/)[1]?.endsWith(suffix));
}

async function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: Timer | undefined;
  const timeout = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`timed out: ${what}`)), ms); });
  try { return await Promise.race([p, timeout]); } finally { clearTimeout(timer); }
}

for (const profile of SUITES) {
  describe.skipIf(!haveFfmpeg)(`ffmpeg ${profile.name}`, () => {
    test("ffmpeg-protected RTP and SRTCP unprotect here, across a sequence wrap", async () => {
      const material = randomBytes(30);
      const rx = new SrtpUnprotector(profile, masterKeys(material));
      const [rtp, rtcp] = [await bound(), await bound()];
      const seqs: number[] = [];
      let ssrc = 0;
      let rtcpPackets = 0;
      rtp.on("message", (m) => {
        const p = rx.unprotectRtp(m);
        if (p) { seqs.push(p.readUInt16BE(2)); ssrc = p.readUInt32BE(8); }
      });
      rtcp.on("message", (m) => { if (rx.unprotectRtcp(m)?.[1] === 200) rtcpPackets++; });
      const url = `srtp://127.0.0.1:${rtp.address().port}?rtcpport=${rtcp.address().port}&pkt_size=172`;
      const ffmpeg = Bun.spawn([
        "ffmpeg", "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=8000:duration=2",
        "-c:a", "pcm_mulaw", "-f", "rtp", "-seq", "65500", "-srtp_out_suite", profile.name,
        "-srtp_out_params", material.toString("base64"), url,
      ], { stdout: "ignore", stderr: "pipe" });
      expect(await withTimeout(ffmpeg.exited, 15_000, "ffmpeg sender")).toBe(0);
      await pollUntil(() => seqs.length, (n) => n >= 100, 5_000, "SRTP packets from ffmpeg");
      rtp.close();
      rtcp.close();
      expect(rx.stats.rejected).toEqual({ malformed: 0, auth: 0, replay: 0, "too-old": 0 });
      expect(seqs[0]).toBe(65500);
      expect(seqs).toContain(0); // crossed the wrap
      expect(rx.rolloverCounter(ssrc)).toBe(1);
      expect(rtcpPackets).toBeGreaterThanOrEqual(1); // ffmpeg's sender report, SRTCP-protected
    }, 30_000);

    test("SRTP protected here decodes in ffmpeg (SDP a=crypto), payload bytes intact across a wrap", async () => {
      const material = randomBytes(30);
      const tx = new SrtpProtector(profile, masterKeys(material));
      const outPath = `${dir.path}/${profile.name}.raw`;
      const FRAMES = 50;
      const { ffmpeg, port } = await startFfmpegReceiver(profile, material, FRAMES, outPath);
      const sender = await bound();
      for (let i = 0; i < 80; i++) {
        const pkt = Buffer.alloc(12 + 160, i & 0xff);
        pkt.set([0x80, 0]);
        pkt.writeUInt16BE((65510 + i) & 0xffff, 2);
        pkt.writeUInt32BE(i * 160, 4);
        pkt.writeUInt32BE(0x5eed, 8);
        sender.send(tx.protectRtp(pkt)!, port, "127.0.0.1");
      }
      const code = await withTimeout(ffmpeg.exited, 15_000, "ffmpeg receiver");
      sender.close();
      expect(code).toBe(0);
      const out = readFileSync(outPath);
      expect(out.length).toBe(FRAMES * 160);
      for (let f = 0; f < FRAMES; f++) expect(out[f * 160]).toBe(f); // frame f carries byte value f
    }, 30_000);
  });
}

/** Two adjacent free UDP ports (RTP even, RTCP + 1) on 127.0.0.1, checked by binding both. */
async function freePortPair(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const probe = await bound();
    const port = probe.address().port & ~1;
    probe.close();
    const pair = [createSocket("udp4"), createSocket("udp4")];
    const ok = await Promise.all(pair.map((s, i) => new Promise<boolean>((resolve) => {
      s.once("error", () => resolve(false));
      s.bind(port + i, "127.0.0.1", () => resolve(true));
    })));
    await Promise.all(pair.map((s) => new Promise<void>((resolve) => { try { s.close(() => resolve()); } catch { resolve(); } })));
    if (ok.every(Boolean) && port >= 1024) return port;
  }
  throw new Error("no free UDP port pair");
}

/** ffmpeg reading SRTP described by an SDP with a=crypto, once it has bound its port (retried if the port was taken meanwhile). */
async function startFfmpegReceiver(profile: SrtpProfile, material: Buffer, frames: number, outPath: string) {
  for (let attempt = 1; ; attempt++) {
    const port = await freePortPair();
    const sdpPath = `${dir.path}/${profile.name}-${port}.sdp`;
    writeFileSync(sdpPath, [
      "v=0", "o=- 0 0 IN IP4 127.0.0.1", "s=-", "c=IN IP4 127.0.0.1", "t=0 0", `m=audio ${port} RTP/SAVP 0`,
      "a=rtpmap:0 PCMU/8000", `a=crypto:1 ${profile.name} inline:${material.toString("base64")}`, "",
    ].join("\r\n"));
    const ffmpeg = Bun.spawn([
      "ffmpeg", "-hide_banner", "-loglevel", "error", "-protocol_whitelist", "file,udp,rtp,srtp", "-i", sdpPath,
      "-frames:a", String(frames), "-c:a", "copy", "-f", "mulaw", "-y", outPath,
    ], { stdout: "ignore", stderr: "pipe" });
    let exited = false;
    void ffmpeg.exited.then(() => { exited = true; });
    await pollUntil(() => exited || udpPortBound(port), Boolean, 10_000, `ffmpeg listening on ${port}`);
    if (!exited) return { ffmpeg, port };
    const stderr = await new Response(ffmpeg.stderr).text();
    if (attempt >= 3 || !stderr.includes("Address already in use")) throw new Error(`ffmpeg exited early: ${stderr}`);
  }
}
