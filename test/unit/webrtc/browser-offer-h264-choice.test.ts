/**
 * The agent leg answers a browser offer with exactly one H.264 format that matches the caller's profile
 * family and packetization-mode (42e01f preferred), with only the feedback it serves (NACK, PLI, FIR, REMB; no
 * transport-cc), no RTX/RED/FEC,
 * no header extensions; offers it cannot serve are rejected with a typed error.
 */
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as sdpTransform from "sdp-transform";
import { parseSdp, type Codec, type MediaDescription } from "../../../src/sdp/index.ts";
import { chooseBrowserH264, restrictBrowserOffer, WebRtcLegError } from "../../../src/webrtc/index.ts";

const FIXTURES = join(import.meta.dir, "..", "..", "fixtures", "webrtc");
const CHROME_OFFER = readFileSync(join(FIXTURES, "chromium-156-video-offer.sdp"), "utf8");
const chromeVideo = () => parseSdp(CHROME_OFFER).media[0]!;
const without = (m: MediaDescription, drop: (c: Codec) => boolean): MediaDescription => ({ ...m, codecs: m.codecs.filter((c) => !drop(c)) });

function errorCode(fn: () => unknown): string | undefined {
  try { fn(); } catch (err) { return err instanceof WebRtcLegError ? err.code : `not a WebRtcLegError: ${err}`; }
  return undefined;
}

describe("chooseBrowserH264 against Chromium 156's offer", () => {
  test("CBP mode-1 caller (42e00c) gets Chromium's 42e01f mode 1 (PT 108), answered at the caller's level", () => {
    const c = chooseBrowserH264(chromeVideo(), "profile-level-id=42e00c;packetization-mode=1");
    expect(c.payloadType).toBe(108);
    expect(c.packetizationMode).toBe(1);
    expect(c.offeredFmtp).toBe("level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f");
    expect(c.answerFmtp).toBe("level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e00c");
    expect(c.callerMaxBitrateKbps).toBe(384); // H.264 Table A-1, level 1.2
  });

  test("CBP mode-0 caller (TS 26.114 style, 42C00C upper case) gets 42e01f mode 0 (PT 114)", () => {
    const c = chooseBrowserH264(chromeVideo(), "profile-level-id=42C00C;packetization-mode=0");
    expect(c.payloadType).toBe(114);
    expect(c.packetizationMode).toBe(0);
    expect(c.answerFmtp).toBe("level-asymmetry-allowed=1;packetization-mode=0;profile-level-id=42e00c");
  });

  test("absent packetization-mode means mode 0; a caller stating no level gets the browser form 42e01f", () => {
    const c = chooseBrowserH264(chromeVideo(), "");
    expect(c.payloadType).toBe(114);
    expect(c.answerFmtp).toContain("profile-level-id=42e01f");
  });

  test("a baseline (not constrained) caller still prefers the browser's constrained baseline", () => {
    expect(chooseBrowserH264(chromeVideo(), "profile-level-id=42001e;packetization-mode=1").payloadType).toBe(108);
  });

  test("a baseline caller falls back to the browser's plain baseline when no constrained baseline is offered", () => {
    const m = without(chromeVideo(), (c) => c.payloadType === 108 || c.payloadType === 114);
    expect(chooseBrowserH264(m, "profile-level-id=42e01f;packetization-mode=1").payloadType).toBe(102);
  });

  test("a Main/High caller is answered with the browser's constrained baseline at 42e01f (avsplit relays CBP)", () => {
    const c = chooseBrowserH264(chromeVideo(), "profile-level-id=4d0028;packetization-mode=1");
    expect(c.payloadType).toBe(108);
    expect(c.answerFmtp).toContain("profile-level-id=42e01f");
  });

  test("no (constrained) baseline H.264 in the caller's mode: no-matching-h264", () => {
    const mode1Only = without(chromeVideo(), (c) => c.name === "H264" && c.params.some((p) => p.key === "packetization-mode" && p.value === "0"));
    expect(errorCode(() => chooseBrowserH264(mode1Only, "profile-level-id=42e01f;packetization-mode=0"))).toBe("no-matching-h264");
    const vp8Only = without(chromeVideo(), (c) => c.name === "H264");
    expect(errorCode(() => chooseBrowserH264(vp8Only, "packetization-mode=1"))).toBe("no-matching-h264");
  });

  test("unusable caller fmtp: bad-caller-fmtp", () => {
    expect(errorCode(() => chooseBrowserH264(chromeVideo(), "profile-level-id=zz;packetization-mode=1"))).toBe("bad-caller-fmtp");
    expect(errorCode(() => chooseBrowserH264(chromeVideo(), "packetization-mode=2"))).toBe("bad-caller-fmtp");
    expect(errorCode(() => chooseBrowserH264(chromeVideo(), "packetization-mode=1;\u0001"))).toBe("bad-caller-fmtp");
  });
});

describe("restrictBrowserOffer", () => {
  test("keeps one payload type with nack, nack pli, ccm fir and goog-remb only, drops RTX SSRCs, extensions and other codecs", () => {
    const r = restrictBrowserOffer(CHROME_OFFER, "profile-level-id=42e00c;packetization-mode=1");
    const m = sdpTransform.parse(r.sdp).media[0]!;
    expect(String(m.payloads)).toBe("108");
    expect(m.rtp.map((x) => `${x.payload} ${x.codec}`)).toEqual(["108 H264"]);
    expect(m.fmtp).toEqual([{ payload: 108, config: r.choice.answerFmtp }]);
    expect((m.rtcpFb ?? []).map((f) => `${f.type} ${f.subtype ?? ""}`.trim()).sort()).toEqual(["ccm fir", "goog-remb", "nack", "nack pli"]);
    expect(r.nack).toBe(true);
    expect(r.remb).toBe(true);
    expect(m.ext).toBeUndefined();
    expect(m.ssrcGroups).toBeUndefined();
    expect(new Set(m.ssrcs!.map((s) => Number(s.id)))).toEqual(new Set([r.remoteSsrc]));
    expect(r.remoteSsrc).toBe(2317337008);
    expect(r.mid).toBe("0");
    // ICE and DTLS parameters survive untouched.
    const original = sdpTransform.parse(CHROME_OFFER).media[0]!;
    expect(m.iceUfrag).toBe(original.iceUfrag!);
    expect(m.fingerprint ?? sdpTransform.parse(r.sdp).fingerprint).toBeDefined();
    expect(m.candidates!.length).toBe(original.candidates!.length);
  });

  test("feedback the browser did not offer is not answered: no goog-remb or nack offered, none kept", () => {
    const offer = CHROME_OFFER.replace(/^a=rtcp-fb:108 (goog-remb|nack)\r?\n/gm, "");
    const r = restrictBrowserOffer(offer, "profile-level-id=42e00c;packetization-mode=1");
    const fb = (sdpTransform.parse(r.sdp).media[0]!.rtcpFb ?? []).map((f) => `${f.type} ${f.subtype ?? ""}`.trim());
    expect(fb.sort()).toEqual(["ccm fir", "nack pli"]);
    expect(r.nack).toBe(false);
    expect(r.remb).toBe(false);
  });

  test("rejects what a video widget never offers: audio, two m-lines, plain RTP, a disabled m-line, no mid", () => {
    const audio = CHROME_OFFER.replace("m=video", "m=audio");
    expect(errorCode(() => restrictBrowserOffer(audio, "packetization-mode=1"))).toBe("bad-offer");
    const mSection = CHROME_OFFER.slice(CHROME_OFFER.indexOf("m=video"));
    expect(errorCode(() => restrictBrowserOffer(CHROME_OFFER + mSection, "packetization-mode=1"))).toBe("bad-offer");
    expect(errorCode(() => restrictBrowserOffer(CHROME_OFFER.replace("UDP/TLS/RTP/SAVPF", "RTP/AVP"), "packetization-mode=1"))).toBe("bad-offer");
    expect(errorCode(() => restrictBrowserOffer(CHROME_OFFER.replace(/^m=video \d+/m, "m=video 0"), "packetization-mode=1"))).toBe("bad-offer");
    expect(errorCode(() => restrictBrowserOffer(CHROME_OFFER.replace(/^a=mid:.*\r?\n/m, ""), "packetization-mode=1"))).toBe("bad-offer");
  });

  test("rejects garbage and oversized offers without throwing anything but WebRtcLegError", () => {
    expect(errorCode(() => restrictBrowserOffer("", "packetization-mode=1"))).toBe("bad-offer");
    expect(errorCode(() => restrictBrowserOffer("\u0000\u0001garbage\r\nm=\r\n", "packetization-mode=1"))).toBe("bad-offer");
    expect(errorCode(() => restrictBrowserOffer(CHROME_OFFER + "a=x:" + "y".repeat(70_000) + "\r\n", "packetization-mode=1"))).toBe("bad-offer");
  });
});
