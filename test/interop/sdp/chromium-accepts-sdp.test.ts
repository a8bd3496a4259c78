/**
 * The browser-leg SDP that src/sdp writes is accepted by real Chromium: our answer to its offer
 * negotiates exactly the caller's H.264 mode, and Chromium's answer to our offer reads back.
 * No media flows here (that is test/interop/webrtc); this proves the SDP alone.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import {
  answerBrowserOffer, buildBrowserOffer, createOrigin, parseSdp, readAnswer, serializeSdp, VIDEO_EXTMAP_URIS, type BrowserLegParameters, type Codec,
} from "../../../src/sdp/index.ts";
import { launchChromium, type ChromiumSession } from "../../support/chromium.ts";

let chrome: ChromiumSession;
beforeAll(async () => { chrome = await launchChromium(); });
afterAll(async () => { await chrome?.close(); });

const LEG: BrowserLegParameters = {
  origin: createOrigin({ address: "127.0.0.1" }),
  address: "127.0.0.1",
  port: 41000,
  ice: { ufrag: "avsp", pwd: randomBytes(18).toString("base64"), lite: true },
  candidates: ["1 1 udp 2130706431 127.0.0.1 41000 typ host"],
  extmapUris: VIDEO_EXTMAP_URIS,
  fingerprint: { algorithm: "sha-256", value: [...randomBytes(32)].map((b) => b.toString(16).padStart(2, "0").toUpperCase()).join(":") },
};

function caller(mode: 0 | 1): Codec {
  return { payloadType: 99, name: "H264", clockRate: 90000, rtcpFb: [], params: [{ key: "profile-level-id", value: "42e00c" }, { key: "packetization-mode", value: String(mode) }] };
}

/** Runs in the page: a fresh RTCPeerConnection with one sendrecv video transceiver at window.pc. */
async function newPeer(): Promise<void> {
  await chrome.page.evaluate(() => {
    const w = window as unknown as { pc?: RTCPeerConnection };
    w.pc?.close();
    w.pc = new RTCPeerConnection();
  });
}

describe.each([0, 1] as const)("caller packetization-mode=%d", (mode) => {
  test("Chromium takes our answer to its offer and sends exactly that H.264 format", async () => {
    await newPeer();
    const offer = await chrome.page.evaluate(async () => {
      const pc = (window as unknown as { pc: RTCPeerConnection }).pc;
      pc.addTransceiver("video", { direction: "sendrecv" });
      await pc.setLocalDescription(await pc.createOffer());
      return pc.localDescription!.sdp;
    });
    const r = answerBrowserOffer(parseSdp(offer), caller(mode), LEG);
    if (!r.ok) throw new Error(r.rejection.detail);
    const codecs = await chrome.page.evaluate(async (sdp) => {
      const pc = (window as unknown as { pc: RTCPeerConnection }).pc;
      await pc.setRemoteDescription({ type: "answer", sdp });
      return pc.getTransceivers()[0].sender.getParameters().codecs.map((c) => ({ mimeType: c.mimeType, pt: c.payloadType, fmtp: c.sdpFmtpLine ?? "" }));
    }, serializeSdp(r.answer));
    expect(codecs.length).toBe(1);
    expect(codecs[0]).toMatchObject({ mimeType: "video/H264", pt: r.streams[0].codec!.payloadType });
    expect(codecs[0].fmtp).toContain(`packetization-mode=${mode}`);
    expect(codecs[0].fmtp).toContain("profile-level-id=42e00c");
    expect(r.streams[0].extmaps.map((e) => e.uri)).toEqual(["urn:3gpp:video-orientation"]);
  });

  test("Chromium answers our offer; the answer reads back as the same H.264 format with rtcp-mux and PLI/FIR", async () => {
    await newPeer();
    const offer = buildBrowserOffer(caller(mode), { ...LEG, origin: createOrigin({ address: "127.0.0.1", sessionId: "77" }) });
    const answer = await chrome.page.evaluate(async (sdp) => {
      const pc = (window as unknown as { pc: RTCPeerConnection }).pc;
      await pc.setRemoteDescription({ type: "offer", sdp });
      await pc.setLocalDescription(await pc.createAnswer());
      return pc.localDescription!.sdp;
    }, serializeSdp(offer));
    const [stream] = readAnswer(offer, parseSdp(answer));
    expect(stream).toMatchObject({ accepted: true, kind: "video", rtcpMux: true, receivePayloadType: 102 });
    expect(stream.codec?.params.find((p) => p.key === "packetization-mode")?.value).toBe(String(mode));
    expect(stream.extmaps.map((e) => e.uri)).toEqual(["urn:3gpp:video-orientation"]);
    expect(stream.feedback.map((f) => `${f.type} ${f.subtype ?? ""}`.trim())).toEqual(expect.arrayContaining(["nack pli", "ccm fir"]));
  });
});
