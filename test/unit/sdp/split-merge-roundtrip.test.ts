import { describe, expect, test } from "bun:test";
import {
  buildMediaOffer, createOrigin, mergeAnswers, parseSdp, readAnswer, reofferUnchanged, serializeSdp, splitOffer, withMediaAdded, withMediaRemoved,
  type SessionDescription,
} from "../../../src/sdp/index.ts";
import { H264_CBP, lines, origin, parsedFixture, SIP_VIDEO_FEEDBACK, videoPolicy } from "./support.ts";

const CC_TRANSPORT = { address: "192.0.2.10", port: 42000 };
const CALLER_AUDIO = { address: "192.0.2.10", port: 40000 };

/** What sipp's uas_callcenter.xml answers: PCMU + PCMA + 101 (payload types of our offer). */
function callCenterAnswer(version = 1): SessionDescription {
  return parseSdp([
    "v=0", `o=callcenter 2000 ${version} IN IP4 127.0.0.1`, "s=callcenter", "c=IN IP4 127.0.0.1", "t=0 0",
    "m=audio 6200 RTP/AVP 8 110", "a=rtpmap:8 PCMA/8000", "a=rtpmap:110 telephone-event/8000", "a=fmtp:110 0-15", "a=ptime:20", "a=sendrecv", "",
  ].join("\r\n"));
}

function split(offer: SessionDescription, previous?: SessionDescription) {
  const r = splitOffer(offer, { origin: previous?.origin ?? createOrigin({ address: "192.0.2.10", sessionId: "555", version: 7n }), transport: CC_TRANSPORT, previous });
  if (!r.ok) throw new Error(r.rejection.detail);
  return r;
}

describe("split of a caller's A/V offer", () => {
  test("the call center gets an audio-only offer with the caller's audio codecs, payload types and telephone-event", () => {
    const { offer, plan } = split(parsedFixture("volte-ts26114-av-offer.sdp"));
    expect(plan.routes).toEqual(["callcenter", "local"]);
    expect(lines(serializeSdp(offer))).toEqual([
      "v=0",
      "o=avsplit 555 7 IN IP4 192.0.2.10",
      "s=-",
      "c=IN IP4 192.0.2.10",
      "t=0 0",
      "m=audio 42000 RTP/AVP 116 107 118 96 8 111 110",
      "b=AS:49",
      "a=rtpmap:116 AMR-WB/16000/1",
      "a=rtpmap:107 AMR-WB/16000/1",
      "a=rtpmap:118 AMR/8000/1",
      "a=rtpmap:96 AMR/8000/1",
      "a=rtpmap:8 PCMA/8000",
      "a=rtpmap:111 telephone-event/16000",
      "a=rtpmap:110 telephone-event/8000",
      "a=fmtp:116 mode-change-capability=2;max-red=0",
      "a=fmtp:107 octet-align=1;mode-change-capability=2;max-red=0",
      "a=fmtp:118 mode-change-capability=2;max-red=0",
      "a=fmtp:96 octet-align=1;mode-change-capability=2;max-red=0",
      "a=fmtp:111 0-15",
      "a=fmtp:110 0-15",
      "a=ptime:20",
      "a=maxptime:240",
      "a=sendrecv",
    ]);
  });

  test("restricting to what the trunk takes keeps only G.711 and the 8 kHz telephone-event", () => {
    const r = splitOffer(parsedFixture("volte-ts26114-av-offer.sdp"), { origin: origin(), transport: CC_TRANSPORT, audioCodecs: [{ name: "PCMA", clockRate: 8000 }] });
    expect(r.ok && r.offer.media[0].formats).toEqual(["8", "110"]);
  });

  test("a video-only offer cannot be split: 488 / 304", () => {
    const r = splitOffer(parsedFixture("ffmpeg-h264-offer.sdp"), { origin: origin(), transport: CC_TRANSPORT });
    expect(r.ok ? 0 : r.rejection.warnCode).toBe(304);
  });
});

describe("merge of the call center's audio answer and our video answer", () => {
  test("one answer for the caller, m-lines in the caller's order, audio as the call center chose", () => {
    const caller = parsedFixture("volte-ts26114-av-offer.sdp");
    const { plan } = split(caller);
    const r = mergeAnswers(caller, plan, callCenterAnswer(), { origin: origin(), audioTransport: CALLER_AUDIO, video: videoPolicy() });
    if (!r.ok) throw new Error(r.rejection.detail);
    const text = lines(serializeSdp(r.answer));
    expect(text.filter((l) => l.startsWith("m="))).toEqual(["m=audio 40000 RTP/AVPF 8 110", "m=video 40002 RTP/AVPF 99"]);
    expect(r.streams.map((s) => [s.kind, s.codec?.name, s.telephoneEvent?.payloadType])).toEqual([["audio", "PCMA", 110], ["video", "H264", undefined]]);
  });

  test("video before audio in the offer stays video before audio in the answer", () => {
    const caller = parsedFixture("sipp-uac-av-offer.sdp");
    const swapped = { ...caller, media: [caller.media[1], caller.media[0]] };
    const { offer, plan } = split(swapped);
    expect(plan.routes).toEqual(["local", "callcenter"]);
    expect(offer.media.map((m) => m.kind)).toEqual(["audio"]);
    const r = mergeAnswers(swapped, plan, callCenterAnswer(), { origin: origin(), audioTransport: CALLER_AUDIO, video: videoPolicy() });
    expect(r.ok && r.answer.media.map((m) => `${m.kind} ${m.port}`)).toEqual(["video 40002", "audio 40000"]);
  });

  test("a call center that sends nothing (recvonly) makes our answer to the caller recvonly for audio", () => {
    const caller = parsedFixture("sipp-uac-av-offer.sdp");
    const { plan } = split(caller);
    const cc = parseSdp(serializeSdp(callCenterAnswer()).replace("a=sendrecv", "a=recvonly"));
    const r = mergeAnswers(caller, plan, cc, { origin: origin(), audioTransport: CALLER_AUDIO, video: videoPolicy() });
    expect(r.ok && r.answer.media[0].direction).toBe("recvonly");
  });

  test("a call center rejecting audio makes the caller's offer fail with 488", () => {
    const caller = parsedFixture("sipp-uac-av-offer.sdp");
    const { plan } = split(caller);
    const cc = parseSdp(serializeSdp(callCenterAnswer()).replace("m=audio 6200", "m=audio 0"));
    const r = mergeAnswers(caller, plan, cc, { origin: origin(), audioTransport: CALLER_AUDIO, video: videoPolicy() });
    expect(r.ok ? 0 : r.rejection.status).toBe(488);
  });
});

describe("re-offers: every m-line carried, port 0 to remove, versions per RFC 3264 §8", () => {
  test("the caller removes video (sipp uac_av_reinvite): video answered with port 0, call-center offer unchanged", () => {
    const first = parsedFixture("sipp-uac-av-offer.sdp");
    const initial = split(first);
    const reoffer = parseSdp(serializeSdp(first).replace(/m=video 6002 RTP\/AVP 97[\s\S]*$/, "m=video 0 RTP/AVP 97\r\n"));
    const again = split(reoffer, initial.offer);
    expect(again.changed).toBe(false);
    expect(again.offer.origin.version).toBe(initial.offer.origin.version);
    const r = mergeAnswers(reoffer, again.plan, callCenterAnswer(), { origin: origin(), audioTransport: CALLER_AUDIO, video: videoPolicy() });
    expect(r.ok && lines(serializeSdp(r.answer)).filter((l) => l.startsWith("m="))).toEqual(["m=audio 40000 RTP/AVP 8 101", "m=video 0 RTP/AVP 97"]);
    expect(r.ok && r.streams[1].accepted).toBe(false);
  });

  test("a changed call-center re-offer bumps its version by exactly one and keeps the o= identity", () => {
    const first = split(parsedFixture("sipp-uac-av-offer.sdp"));
    const held = parseSdp(serializeSdp(parsedFixture("sipp-uac-av-offer.sdp")).replace("a=sendrecv", "a=sendonly"));
    const second = split(held, first.offer);
    expect(second.changed).toBe(true);
    expect(second.offer.origin).toEqual({ ...first.offer.origin, version: first.offer.origin.version + 1n });
    expect(second.offer.media[0].direction).toBe("sendonly");
  });

  test("we remove video from the caller (video -> audio) and add it back in the same m-line slot", () => {
    const caller = parsedFixture("sipp-uac-av-offer.sdp");
    const { plan } = split(caller);
    const answered = mergeAnswers(caller, plan, callCenterAnswer(), { origin: origin(), audioTransport: CALLER_AUDIO, video: videoPolicy() });
    if (!answered.ok) throw new Error("rejected");
    const removed = withMediaRemoved(answered.answer, 1);
    expect(removed.origin.version).toBe(answered.answer.origin.version + 1n);
    expect(lines(serializeSdp(removed)).filter((l) => l.startsWith("m="))).toEqual(["m=audio 40000 RTP/AVP 8 101", "m=video 0 RTP/AVP 97"]);

    const video = buildMediaOffer({
      kind: "video", transport: { address: "192.0.2.10", port: 40002 }, codecs: H264_CBP.slice(0, 2), feedback: SIP_VIDEO_FEEDBACK.slice(0, 3),
      offerAvpfCapability: true, extmaps: [{ id: 4, uri: "urn:3gpp:video-orientation" }], bandwidth: [{ type: "AS", value: 600 }],
    });
    const { offer: added, index } = withMediaAdded(removed, video);
    expect(index).toBe(1);
    expect(added.origin.version).toBe(removed.origin.version + 1n);
    expect(lines(serializeSdp(added)).slice(11)).toEqual([
      "m=video 40002 RTP/AVP 96 97",
      "b=AS:600",
      "a=rtpmap:96 H264/90000",
      "a=rtpmap:97 H264/90000",
      "a=fmtp:96 profile-level-id=42e01f;packetization-mode=0",
      "a=fmtp:97 profile-level-id=42e01f;packetization-mode=1",
      "a=rtcp-fb:* nack",
      "a=rtcp-fb:* nack pli",
      "a=rtcp-fb:* ccm fir",
      "a=extmap:4 urn:3gpp:video-orientation",
      "a=sendrecv",
      "a=tcap:1 RTP/AVPF",
      "a=pcfg:1 t=1",
    ]);

    // sipp's uas_av answers mode 1 with its 42C01F; the answer is read back per m-line.
    const reply = parseSdp([
      "v=0", "o=- 1000 3 IN IP4 127.0.0.1", "s=-", "c=IN IP4 127.0.0.1", "t=0 0",
      "m=audio 6100 RTP/AVP 8 101", "a=rtpmap:8 PCMA/8000", "a=rtpmap:101 telephone-event/8000", "a=sendrecv",
      "m=video 6102 RTP/AVPF 97", "a=rtpmap:97 H264/90000", "a=fmtp:97 profile-level-id=42C01F;packetization-mode=1", "a=rtcp-fb:* nack pli", "a=acfg:1 t=1", "a=sendrecv", "",
    ].join("\r\n"));
    const streams = readAnswer(added, reply);
    expect(streams[1]).toMatchObject({ accepted: true, protocol: "RTP/AVPF", receivePayloadType: 97, remote: { port: 6102, rtcpPort: 6103 } });
    expect(streams[1].feedback).toEqual([{ type: "nack", subtype: "pli" }]);
  });

  test("a re-offer built from our AVPF answer keeps RTP/AVPF as the actual protocol and drops a=acfg", () => {
    const caller = parsedFixture("volte-ts26114-av-offer.sdp");
    const { plan } = split(caller);
    const answered = mergeAnswers(caller, plan, callCenterAnswer(), { origin: origin(), audioTransport: CALLER_AUDIO, video: videoPolicy() });
    if (!answered.ok) throw new Error("rejected");
    expect(serializeSdp(answered.answer)).toContain("a=acfg:1 t=1");
    const refresh = reofferUnchanged(answered.answer);
    const text = serializeSdp(refresh);
    expect(text).not.toContain("a=acfg");
    expect(lines(text).filter((l) => l.startsWith("m="))).toEqual(["m=audio 40000 RTP/AVPF 8 110", "m=video 40002 RTP/AVPF 99"]);
    expect(refresh.origin.version).toBe(answered.answer.origin.version + 1n);
    expect(reofferUnchanged(refresh).origin.version).toBe(refresh.origin.version);
    expect(serializeSdp(withMediaRemoved(answered.answer, 1))).not.toContain("a=acfg");
  });

  test("a refused video offer (port 0 answer) reads as not accepted", () => {
    const offer = parsedFixture("sipp-uac-av-offer.sdp");
    const reply = parseSdp(serializeSdp(offer).replace(/m=video 6002 RTP\/AVP 97[\s\S]*$/, "m=video 0 RTP/AVP 97\r\n"));
    expect(readAnswer(offer, reply).map((s) => s.accepted)).toEqual([true, false]);
  });
});
