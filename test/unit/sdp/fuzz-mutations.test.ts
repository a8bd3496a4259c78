import { expect, test } from "bun:test";
import {
  answerBrowserOffer, answerOffer, mergeAnswers, parseSdp, policyByKind, readAnswer, SdpError, serializeSdp, splitOffer, type Codec,
} from "../../../src/sdp/index.ts";
import { fixture, origin, videoPolicy } from "./support.ts";

const SEEDS = [
  "volte-ts26114-av-offer.sdp", "baresip-av-offer.sdp", "chrome156-video-offer.sdp", "sipp-uac-av-offer.sdp", "ffmpeg-h264-offer.sdp",
].map(fixture);
const ITERATIONS = 5000;

/** mulberry32: deterministic, so a failure reproduces from its iteration number. */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TOKENS = [
  "0", "-1", "65536", "99999999999999999999999", "127", "128", "*", " ", "=", ":", ";", "/", "[", "]", "|", "\t", "\r", "\n", "\u0000",
  "\u00ff", "\u{1F600}", "IP6", "IP4", "::1", "RTP/SAVP", "UDP/TLS/RTP/SAVPF", "a=", "m=video 0 RTP/AVP 96", "c=IN IP4 0.0.0.0",
  "a=tcap:1 RTP/AVPF", "a=pcfg:1 t=1|9 a=7", "a=acap:1 crypto:1 AES_CM_128_HMAC_SHA1_80 inline:AAAA", "profile-level-id=", "packetization-mode=9",
  "a=rtcp-fb:* ccm fir", "a=imageattr:* send * recv [x=[1:2:3]]", "a=extmap:4/sendonly urn:x", "a=crypto:1 X inline:", "a=rtcp:0 IN IP6 ::",
];

function mutate(text: string, r: () => number): string {
  const lines = text.split("\r\n");
  const pick = (n: number) => Math.floor(r() * n);
  for (let k = 1 + pick(4); k > 0; k--) {
    const i = pick(lines.length);
    switch (pick(8)) {
      case 0: lines.splice(i, 1); break;
      case 1: lines.splice(i, 0, lines[pick(lines.length)] ?? ""); break;
      case 2: { const j = pick(lines.length); [lines[i], lines[j]] = [lines[j], lines[i]]; break; }
      case 3: { const l = lines[i] ?? ""; const at = pick(l.length + 1); lines[i] = l.slice(0, at) + TOKENS[pick(TOKENS.length)] + l.slice(at); break; }
      case 4: { const l = lines[i] ?? ""; const at = pick(l.length); lines[i] = l.slice(0, at) + l.slice(at + 1 + pick(8)); break; }
      case 5: lines[i] = (lines[i] ?? "").replace(/\d+/, TOKENS[pick(4)]); break;
      case 6: lines.splice(i, 0, TOKENS[pick(TOKENS.length)]); break;
      default: lines[i] = String.fromCharCode(...Array.from({ length: pick(20) }, () => pick(256))); break;
    }
  }
  return lines.join(r() < 0.5 ? "\r\n" : "\n");
}

const CALLER_H264: Codec = { payloadType: 96, name: "H264", clockRate: 90000, params: [{ key: "packetization-mode", value: "1" }], rtcpFb: [] };
const LEG = {
  origin: origin("127.0.0.1"), address: "127.0.0.1", port: 41000, ice: { ufrag: "u", pwd: "p".repeat(22) }, candidates: [],
  fingerprint: { algorithm: "sha-256", value: "AA" },
};

/** Everything a caller of this module does with a parsed body: none of it may throw, not even SdpError. */
function exercise(sd: ReturnType<typeof parseSdp>): void {
  const written = serializeSdp(sd);
  expect(serializeSdp(parseSdp(written))).toBe(written);
  answerOffer(sd, {
    origin: origin(),
    mediaPolicy: policyByKind({
      audio: { transport: { address: "192.0.2.10", port: 40000 }, codecs: [{ name: "PCMU", clockRate: 8000 }, { name: "AMR-WB", clockRate: 16000 }], sdes: { keys: { AES_CM_128_HMAC_SHA1_80: "AAAA" } } },
      video: videoPolicy(),
    }),
  });
  splitOffer(sd, { origin: origin(), transport: { address: "192.0.2.10", port: 42000 } });
  answerBrowserOffer(sd, CALLER_H264, LEG);
  // The mutated body as an answer: to the sipp offer, and as the call center's answer in a merge.
  onlySdpError(() => readAnswer(SIPP_OFFER, sd));
  onlySdpError(() => mergeAnswers(SIPP_OFFER, SIPP_SPLIT.plan, sd, { origin: origin(), audioTransport: { address: "192.0.2.10", port: 40000 }, video: videoPolicy() }));
}

const SIPP_OFFER = parseSdp(fixture("sipp-uac-av-offer.sdp"));
const SIPP_SPLIT = (() => {
  const r = splitOffer(SIPP_OFFER, { origin: origin(), transport: { address: "192.0.2.10", port: 42000 } });
  if (!r.ok) throw new Error("split failed");
  return r;
})();

/** Answers that do not fit the offer are refused with SdpError("bad-answer"); nothing else may be thrown. */
function onlySdpError(fn: () => unknown): void {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof SdpError)) throw e;
  }
}

test(`${ITERATIONS} random mutations of real offers: SdpError or a result, nothing else`, () => {
  const r = rng(0x5d9);
  const outcomes = { ok: 0, sdpError: 0 };
  for (let n = 0; n < ITERATIONS; n++) {
    const text = mutate(SEEDS[n % SEEDS.length], r);
    let sd: ReturnType<typeof parseSdp>;
    try {
      sd = parseSdp(text);
    } catch (e) {
      if (!(e instanceof SdpError)) throw new Error(`iteration ${n}: parse threw ${(e as Error).stack}\n${JSON.stringify(text)}`);
      outcomes.sdpError++;
      continue;
    }
    try {
      exercise(sd);
    } catch (e) {
      throw new Error(`iteration ${n}: ${(e as Error).stack}\n--- input ---\n${JSON.stringify(text)}`);
    }
    outcomes.ok++;
  }
  // Both paths must be exercised, or the mutations are too weak (or too strong) to mean anything.
  expect(outcomes.ok).toBeGreaterThan(ITERATIONS / 10);
  expect(outcomes.sdpError).toBeGreaterThan(ITERATIONS / 10);
}, 20_000); // ~3 s alone; CI runs it on 2 busy cores
