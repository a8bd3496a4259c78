import { describe, expect, test } from "bun:test";
import {
  answerBrowserOffer, answerOffer, browserProfileLevelId, buildBrowserOffer, formatWarning, parseSdp, pickBrowserH264, policyByKind, serializeSdp,
  spropParameterSets, VIDEO_EXTMAP_URIS, type AnswerResult, type Codec, type MediaPolicy,
} from "../../../src/sdp/index.ts";
import { fixture, lines, origin, parsedFixture, videoPolicy } from "./support.ts";

const G711: MediaPolicy = { transport: { address: "192.0.2.10", port: 40000 }, codecs: [{ name: "PCMA", clockRate: 8000 }, { name: "PCMU", clockRate: 8000 }] };
const AMR_WB: MediaPolicy = { ...G711, codecs: [{ name: "AMR-WB", clockRate: 16000, channels: 1 }, ...G711.codecs] };

function answer(name: string, audio: MediaPolicy = G711, video: MediaPolicy = videoPolicy()): AnswerResult {
  return answerOffer(parsedFixture(name), { origin: origin(), mediaPolicy: policyByKind({ audio, video }) });
}

function answerText(r: AnswerResult): string[] {
  if (!r.ok) throw new Error(`rejected: ${r.rejection.detail}`);
  return lines(serializeSdp(r.answer));
}

describe("TS 26.114 VoLTE video offer (RTP/AVP + tcap RTP/AVPF, 42e00c mode 0, AMR-WB/AMR/PCMA)", () => {
  test("AMR-WB passthrough answer takes AVPF through a=acfg and mirrors imageattr + CVO", () => {
    expect(answerText(answer("volte-ts26114-av-offer.sdp", AMR_WB))).toEqual([
      "v=0",
      "o=avsplit 1700000000 1 IN IP4 192.0.2.10",
      "s=-",
      "c=IN IP4 192.0.2.10",
      "t=0 0",
      "m=audio 40000 RTP/AVPF 116 111",
      "b=AS:49",
      "b=RS:0",
      "b=RR:2500",
      "a=rtpmap:116 AMR-WB/16000/1",
      "a=rtpmap:111 telephone-event/16000",
      "a=fmtp:116 mode-change-capability=2;max-red=0",
      "a=fmtp:111 0-15",
      "a=ptime:20",
      "a=sendrecv",
      "a=acfg:1 t=1",
      "m=video 40002 RTP/AVPF 99",
      "b=AS:315",
      "b=RS:0",
      "b=RR:2500",
      "a=rtpmap:99 H264/90000",
      "a=fmtp:99 profile-level-id=42e00c;packetization-mode=0",
      "a=rtcp-fb:* trr-int 5000",
      "a=rtcp-fb:* nack",
      "a=rtcp-fb:* nack pli",
      "a=rtcp-fb:* ccm fir",
      "a=rtcp-fb:* ccm tmmbr",
      "a=extmap:4 urn:3gpp:video-orientation",
      "a=sendrecv",
      "a=imageattr:99 send [x=320,y=240] [x=240,y=320] recv [x=320,y=240] [x=240,y=320]",
      "a=acfg:1 t=1",
    ]);
  });

  test("a G.711-only call center gets PCMA with telephone-event at 8000, not 16000", () => {
    const text = answerText(answer("volte-ts26114-av-offer.sdp"));
    expect(text.slice(5, 14)).toEqual([
      "m=audio 40000 RTP/AVPF 8 110", "b=AS:49", "b=RS:0", "b=RR:2500",
      "a=rtpmap:8 PCMA/8000", "a=rtpmap:110 telephone-event/8000", "a=fmtp:110 0-15", "a=ptime:20", "a=sendrecv",
    ]);
  });

  test("negotiated streams carry the remote IPv6 transport, a=rtcp ports and feedback for the media layer", () => {
    const r = answer("volte-ts26114-av-offer.sdp", AMR_WB);
    if (!r.ok) throw new Error("rejected");
    const [audio, video] = r.streams;
    expect(audio.remote).toEqual({ connection: { addressType: "IP6", address: "2001:db8:100::11" }, port: 49152, rtcpConnection: { addressType: "IP6", address: "2001:db8:100::11" }, rtcpPort: 49153 });
    expect(audio.codec?.name).toBe("AMR-WB");
    expect(audio.telephoneEvent?.payloadType).toBe(111);
    expect(video.protocol).toBe("RTP/AVPF");
    expect(video.codec?.payloadType).toBe(99);
    expect(spropParameterSets(video.codec!.params).map((nal) => nal[0] & 0x1f)).toEqual([7, 8]); // caller's SPS, PPS
    expect(video.feedback.map((f) => `${f.type} ${f.subtype ?? ""}`.trim())).toEqual(["trr-int 5000", "nack", "nack pli", "ccm fir", "ccm tmmbr"]);
    expect(video.extmaps).toEqual([{ id: 4, uri: "urn:3gpp:video-orientation" }]);
  });

  test("without AVPF in our profiles the actual RTP/AVP configuration is answered, no a=acfg", () => {
    const text = answerText(answer("volte-ts26114-av-offer.sdp", G711, videoPolicy(40002, { profiles: ["RTP/AVP"] })));
    expect(text).toContain("m=video 40002 RTP/AVP 99");
    expect(text.filter((l) => l.startsWith("a=acfg"))).toEqual(["a=acfg:1 t=1"]); // audio only
  });
});

describe("baresip 1.0.0 offer (opus/PCMU/PCMA/AMR-WB/AMR + H264 mode 0/1, H263, MP4V-ES, H265, VP8)", () => {
  test("answers PCMU + telephone-event and H.264 mode 0: the first acceptable formats in baresip's order", () => {
    expect(answerText(answer("baresip-av-offer.sdp"))).toEqual([
      "v=0",
      "o=avsplit 1700000000 1 IN IP4 192.0.2.10",
      "s=-",
      "c=IN IP4 192.0.2.10",
      "t=0 0",
      "m=audio 40000 RTP/AVP 0 101",
      "a=rtpmap:0 PCMU/8000",
      "a=rtpmap:101 telephone-event/8000",
      "a=fmtp:101 0-15",
      "a=ptime:20",
      "a=sendrecv",
      "m=video 40002 RTP/AVP 96",
      "a=rtpmap:96 H264/90000",
      "a=fmtp:96 profile-level-id=42e01f;packetization-mode=0",
      "a=rtcp-fb:* nack pli",
      "a=sendrecv",
    ]);
  });

  test("AMR-WB octet-aligned is not the bandwidth-efficient format: baresip's AMR-WB only matches octet-align=1", () => {
    const bwEfficient: MediaPolicy = { ...G711, codecs: [{ name: "AMR-WB", clockRate: 16000 }] };
    const r = answer("baresip-av-offer.sdp", bwEfficient);
    expect(r.ok && r.streams.map((s) => s.accepted)).toEqual([false, true]);
    const octet: MediaPolicy = { ...G711, codecs: [{ name: "AMR-WB", clockRate: 16000, params: [{ key: "octet-align", value: "1" }] }] };
    const ok = answer("baresip-av-offer.sdp", octet);
    expect(ok.ok && ok.streams[0].codec?.payloadType).toBe(97);
  });
});

describe("sipp and libavformat offers", () => {
  test("sipp uac_av: PCMU + 101, H.264 42C01F mode 1 kept as written, b=AS echoed", () => {
    expect(answerText(answer("sipp-uac-av-offer.sdp")).slice(5)).toEqual([
      "m=audio 40000 RTP/AVP 0 101",
      "a=rtpmap:0 PCMU/8000",
      "a=rtpmap:101 telephone-event/8000",
      "a=fmtp:101 0-15",
      "a=ptime:20",
      "a=sendrecv",
      "m=video 40002 RTP/AVP 97",
      "b=AS:600",
      "a=rtpmap:97 H264/90000",
      "a=fmtp:97 profile-level-id=42C01F;packetization-mode=1",
      "a=rtcp-fb:* nack pli",
      "a=rtcp-fb:* ccm fir",
      "a=sendrecv",
    ]);
  });

  test("sipp uac_audio: audio-only answer", () => {
    expect(answerText(answer("sipp-uac-audio-offer.sdp")).slice(5, 6)).toEqual(["m=audio 40000 RTP/AVP 0 101"]);
  });

  test("libavformat H.264 without profile-level-id is Baseline level 1, answered without inventing one", () => {
    expect(answerText(answer("ffmpeg-h264-offer.sdp")).slice(5)).toEqual([
      "m=video 40002 RTP/AVP 97", "b=AS:500", "a=rtpmap:97 H264/90000", "a=fmtp:97 packetization-mode=1", "a=sendrecv",
    ]);
  });

  test("linphone-style H.264 (42801F = Baseline, no packetization-mode = mode 0) is answered as offered", () => {
    const offer = parseSdp(fixture("ffmpeg-h264-offer.sdp").replace("a=fmtp:97 packetization-mode=1", "a=fmtp:97 profile-level-id=42801F"));
    const r = answerOffer(offer, { origin: origin(), mediaPolicy: policyByKind({ video: videoPolicy() }) });
    expect(answerText(r).slice(-2)).toEqual(["a=fmtp:97 profile-level-id=42801F", "a=sendrecv"]);
  });

  test("an offer whose only stream has no common codec yields 488 with a Warning", () => {
    const r = answer("ffmpeg-pcmu-offer.sdp", { ...G711, codecs: [{ name: "G722", clockRate: 8000 }] });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.rejection.status).toBe(488);
    expect(formatWarning(r.rejection, "avsplit")).toBe('305 avsplit "Incompatible media format"');
    expect(r.rejection.detail).toContain("no common codec in PCMU/8000");
  });
});

describe("Chromium 156 offer (H264 42001f/42e01f/4d001f mode 0+1, VP8, VP9, AV1, rtx, red/ulpfec, BUNDLE)", () => {
  const leg = {
    origin: origin("127.0.0.1"), address: "127.0.0.1", port: 41000,
    ice: { ufrag: "avsp", pwd: "0123456789abcdefghijklmn", lite: true },
    candidates: ["1 1 udp 2130706431 127.0.0.1 41000 typ host"], fingerprint: { algorithm: "sha-256", value: "AA:BB:CC" },
  };
  const caller = (mode: string): Codec => ({
    payloadType: 99, name: "H264", clockRate: 90000, rtcpFb: [],
    params: [{ key: "profile-level-id", value: "42e00c" }, { key: "packetization-mode", value: mode }],
  });

  test("picks Chrome's Constrained Baseline payload in the caller's packetization mode", () => {
    const video = parsedFixture("chrome156-video-offer.sdp").media[0];
    expect(pickBrowserH264(video, caller("0"))?.payloadType).toBe(114);
    expect(pickBrowserH264(video, caller("1"))?.payloadType).toBe(108);
  });

  test("answer: one H.264 payload, no rtx/red/ulpfec, BUNDLE + rtcp-mux + DTLS passive + ICE-lite", () => {
    const r = answerBrowserOffer(parsedFixture("chrome156-video-offer.sdp"), caller("0"), leg);
    expect(answerText(r)).toEqual([
      "v=0",
      "o=avsplit 1700000000 1 IN IP4 127.0.0.1",
      "s=-",
      "t=0 0",
      "a=ice-lite",
      "a=group:BUNDLE 0",
      "a=msid-semantic: WMS avsplit",
      "m=video 41000 UDP/TLS/RTP/SAVPF 114",
      "c=IN IP4 127.0.0.1",
      "a=rtpmap:114 H264/90000",
      "a=fmtp:114 level-asymmetry-allowed=1;packetization-mode=0;profile-level-id=42e00c",
      "a=rtcp-fb:114 goog-remb",
      "a=rtcp-fb:114 ccm fir",
      "a=rtcp-fb:114 nack",
      "a=rtcp-fb:114 nack pli",
      "a=setup:passive",
      "a=mid:0",
      "a=sendrecv",
      "a=ice-ufrag:avsp",
      "a=ice-pwd:0123456789abcdefghijklmn",
      "a=fingerprint:sha-256 AA:BB:CC",
      "a=rtcp-mux",
      "a=candidate:1 1 udp 2130706431 127.0.0.1 41000 typ host",
      "a=end-of-candidates",
    ]);
  });

  test("the browser form is 42e0 + the caller's level (level asymmetry caps the browser's encoder), else 42e01f", () => {
    expect(browserProfileLevelId(caller("0"))).toBe("42e00c");
    expect(browserProfileLevelId({ ...caller("0"), params: [{ key: "profile-level-id", value: "42801F" }] })).toBe("42e01f");
    expect(browserProfileLevelId({ ...caller("1"), params: [{ key: "packetization-mode", value: "1" }] })).toBe("42e01f");
  });

  test("our offer to a browser: caller's mode and level, actpass, parseable again", () => {
    const offer = buildBrowserOffer(caller("1"), leg);
    const text = serializeSdp(offer);
    expect(text).toContain("a=fmtp:102 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e00c\r\n");
    expect(text).toContain("a=setup:actpass\r\n");
    expect(parseSdp(text)).toEqual(offer);
  });

  test("CVO is negotiated with the browser's extension id when asked for, so the relay can map the caller's id", () => {
    const r = answerBrowserOffer(parsedFixture("chrome156-video-offer.sdp"), caller("0"), { ...leg, extmapUris: VIDEO_EXTMAP_URIS });
    expect(r.ok && r.streams[0].extmaps).toEqual([{ id: 3, uri: "urn:3gpp:video-orientation" }]);
    expect(answerText(r)).toContain("a=extmap:3 urn:3gpp:video-orientation");
  });

  test("a browser offering only VP8 is refused with 488", () => {
    const vp8Only = parseSdp(serializeSdp({ ...parsedFixture("chrome156-video-offer.sdp") }).replace(/^a=rtpmap:(\d+) H264\/90000$/gm, "a=rtpmap:$1 VP8/90000"));
    const r = answerBrowserOffer(vp8Only, caller("0"), leg);
    expect(r.ok).toBe(false);
  });
});
