import { describe, expect, test } from "bun:test";
import { answerOffer, parseSdp, policyByKind, serializeSdp, type MediaPolicy } from "../../../src/sdp/index.ts";
import { lines, origin } from "./support.ts";

const KEY = "WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz";
const AUDIO: MediaPolicy = { transport: { address: "192.0.2.10", port: 40000 }, codecs: [{ name: "AMR-WB", clockRate: 16000 }] };

/** TS 26.114 A.1-style SRTP offer: RTP/AVP actual config, SAVPF/SAVP/AVPF potential ones (RFC 5939 §3.6). */
const SRTP_OFFER = [
  "v=0", "o=IMS-UE 1 1 IN IP4 198.51.100.7", "s=-", "c=IN IP4 198.51.100.7", "t=0 0",
  "m=audio 49152 RTP/AVP 97 98",
  "a=rtpmap:97 AMR-WB/16000/1", "a=fmtp:97 mode-change-capability=2",
  "a=rtpmap:98 telephone-event/16000", "a=fmtp:98 0-15",
  "a=tcap:1 RTP/SAVPF RTP/SAVP RTP/AVPF",
  "a=acap:1 crypto:1 AES_CM_128_HMAC_SHA1_80 inline:d0RmdmcmVCspeEc3QGZiNWpVLFJhQX1cfHAwJSoj|2^31",
  "a=pcfg:1 t=1 a=1", "a=pcfg:2 t=2 a=1", "a=pcfg:3 t=3",
  "a=sendrecv", "",
].join("\r\n");

function audioAnswer(offer: string, policy: MediaPolicy) {
  const r = answerOffer(parseSdp(offer), { origin: origin(), mediaPolicy: policyByKind({ audio: policy }) });
  if (!r.ok) throw new Error(r.rejection.detail);
  return { r, text: lines(serializeSdp(r.answer)).slice(5) };
}

describe("RFC 5939 capability negotiation", () => {
  test("with SDES keys the most preferred configuration (1: RTP/SAVPF + crypto acap) is taken", () => {
    const { r, text } = audioAnswer(SRTP_OFFER, { ...AUDIO, sdes: { keys: { AES_CM_128_HMAC_SHA1_80: KEY } } });
    expect(text).toEqual([
      "m=audio 40000 RTP/SAVPF 97 98",
      "a=rtpmap:97 AMR-WB/16000/1",
      "a=rtpmap:98 telephone-event/16000",
      "a=fmtp:97 mode-change-capability=2",
      "a=fmtp:98 0-15",
      `a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:${KEY}`,
      "a=sendrecv",
      "a=acfg:1 t=1 a=1",
    ]);
    expect(r.streams[0].crypto?.remote.keyParams).toBe("inline:d0RmdmcmVCspeEc3QGZiNWpVLFJhQX1cfHAwJSoj|2^31");
  });

  test("without SRTP the first plain configuration (3: RTP/AVPF) is taken", () => {
    const { text } = audioAnswer(SRTP_OFFER, AUDIO);
    expect(text[0]).toBe("m=audio 40000 RTP/AVPF 97 98");
    expect(text.at(-1)).toBe("a=acfg:3 t=3");
    expect(text.some((l) => l.startsWith("a=crypto"))).toBe(false);
  });

  test("accepting only RTP/AVP answers the actual configuration without a=acfg", () => {
    const { text } = audioAnswer(SRTP_OFFER, { ...AUDIO, profiles: ["RTP/AVP"] });
    expect(text[0]).toBe("m=audio 40000 RTP/AVP 97 98");
    expect(text.some((l) => l.startsWith("a=acfg"))).toBe(false);
  });

  test("a session-level a=tcap is found from a media-level a=pcfg (TS 26.114 A.18 layout)", () => {
    const offer = SRTP_OFFER.replace("a=tcap:1 RTP/SAVPF RTP/SAVP RTP/AVPF\r\n", "").replace("t=0 0\r\n", "t=0 0\r\na=tcap:1 RTP/SAVPF RTP/SAVP RTP/AVPF\r\n");
    const { text } = audioAnswer(offer, AUDIO);
    expect(text.at(-1)).toBe("a=acfg:3 t=3");
  });

  test("potential configurations parse with alternatives and optional capabilities, and write back", () => {
    const sd = parseSdp(SRTP_OFFER.replace("a=pcfg:3 t=3", "a=pcfg:3 t=3|2 a=1,[2]|1"));
    expect(sd.media[0].capabilities.potential.at(-1)).toEqual({ id: 3, transports: [3, 2], attributeSets: [[1], [1]] });
    expect(sd.media[0].capabilities.transports.map((t) => t.protocol)).toEqual(["RTP/SAVPF", "RTP/SAVP", "RTP/AVPF"]);
    const deleting = parseSdp(SRTP_OFFER.replace("a=pcfg:3 t=3", "a=pcfg:3 t=3 a=-m:1,[2,3]"));
    expect(deleting.media[0].capabilities.potential.at(-1)).toEqual({ id: 3, transports: [3], attributeSets: [[1]] });
  });
});

describe("SDES a=crypto on RTP/SAVP", () => {
  const SAVP = SRTP_OFFER.replace("RTP/AVP 97 98", "RTP/SAVP 97 98")
    .replace(/a=tcap[^\r]*\r\na=acap[^\r]*\r\na=pcfg[^\r]*\r\na=pcfg[^\r]*\r\na=pcfg[^\r]*\r\n/, "")
    .replace("a=sendrecv", "a=crypto:1 AEAD_AES_256_GCM inline:aGVsbG8gd29ybGQgaGVsbG8gd29ybGQgaGVsbG8gd29ybGQ=\r\na=crypto:2 AES_CM_128_HMAC_SHA1_32 inline:d0RmdmcmVCspeEc3QGZiNWpVLFJhQX1cfHAwJSoj\r\na=sendrecv");

  test("answers the first offered suite we hold a key for, with its tag", () => {
    const { r, text } = audioAnswer(SAVP, { ...AUDIO, sdes: { keys: { AES_CM_128_HMAC_SHA1_32: KEY } } });
    expect(text).toContain(`a=crypto:2 AES_CM_128_HMAC_SHA1_32 inline:${KEY}`);
    expect(r.streams[0].crypto?.remote.tag).toBe(2);
  });

  test("no common suite rejects the stream: 488 with 305", () => {
    const r = answerOffer(parseSdp(SAVP), { origin: origin(), mediaPolicy: policyByKind({ audio: { ...AUDIO, sdes: { keys: { AES_CM_128_HMAC_SHA1_80: KEY } } } }) });
    expect(r.ok ? "accepted" : `${r.rejection.warnCode} ${r.rejection.detail}`).toBe("305 m-line 1 (audio): no acceptable a=crypto suite");
  });

  test("an SRTP offer to a policy without SDES is refused as a transport mismatch (302)", () => {
    const r = answerOffer(parseSdp(SAVP), { origin: origin(), mediaPolicy: policyByKind({ audio: AUDIO }) });
    expect(r.ok ? 0 : r.rejection.warnCode).toBe(302);
  });
});
