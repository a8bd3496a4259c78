/** Codec model helpers: static payload types, format identity and offer/answer intersection. */
import type { Codec, FmtpParam, RtcpFeedback } from "./model.ts";
import { fmtpValue } from "./fmtp.ts";
import { isH264, sameH264Format } from "./h264.ts";

/** RFC 3551 static payload types (used when an m-line has no a=rtpmap for them). */
export const STATIC_PAYLOAD_TYPES: Readonly<Record<number, { name: string; clockRate: number; channels?: number }>> = {
  0: { name: "PCMU", clockRate: 8000 },
  3: { name: "GSM", clockRate: 8000 },
  4: { name: "G723", clockRate: 8000 },
  8: { name: "PCMA", clockRate: 8000 },
  9: { name: "G722", clockRate: 8000 },
  13: { name: "CN", clockRate: 8000 },
  15: { name: "G728", clockRate: 8000 },
  18: { name: "G729", clockRate: 8000 },
  26: { name: "JPEG", clockRate: 90000 },
  31: { name: "H261", clockRate: 90000 },
  34: { name: "H263", clockRate: 90000 },
};

/** A codec as a capability: what we (or a far leg) can take, before a payload type is bound. */
export interface CodecSpec {
  readonly name: string;
  readonly clockRate: number;
  readonly channels?: number;
  readonly params?: readonly FmtpParam[];
}

const AUXILIARY = new Set(["telephone-event", "cn", "rtx", "red", "ulpfec", "flexfec-03"]);

export function isTelephoneEvent(c: Pick<Codec, "name">): boolean {
  return c.name.toLowerCase() === "telephone-event";
}

/** Formats that ride along a media codec (DTMF, comfort noise, retransmission, redundancy). */
export function isAuxiliary(c: Pick<Codec, "name">): boolean {
  return AUXILIARY.has(c.name.toLowerCase());
}

function channelsOf(c: { channels?: number }): number {
  return c.channels ?? 1;
}

/**
 * Same payload format: name (case-insensitive), clock rate, channels, plus the fmtp parameters
 * that change the bitstream: H.264 profile + packetization-mode, AMR octet-align.
 */
export function sameFormat(a: CodecSpec, b: CodecSpec): boolean {
  if (a.name.toLowerCase() !== b.name.toLowerCase() || a.clockRate !== b.clockRate) return false;
  if (channelsOf(a) !== channelsOf(b)) return false;
  const pa = a.params ?? [];
  const pb = b.params ?? [];
  if (isH264(a)) return sameH264Format(pa, pb);
  if (/^AMR(-WB)?$/i.test(a.name)) return (fmtpValue(pa, "octet-align") ?? "0") === (fmtpValue(pb, "octet-align") ?? "0");
  return true;
}

export interface CodecMatch {
  readonly offered: Codec;
  readonly local: CodecSpec;
}

/** Offered media codecs (not auxiliary) we can take, in the offerer's order of preference. */
export function matchCodecs(offered: readonly Codec[], local: readonly CodecSpec[]): CodecMatch[] {
  const out: CodecMatch[] = [];
  for (const o of offered) {
    if (isAuxiliary(o)) continue;
    const l = local.find((c) => sameFormat(o, c));
    if (l) out.push({ offered: o, local: l });
  }
  return out;
}

/** The offered telephone-event whose clock rate equals the chosen codec's (RFC 4733 §7.1.1). */
export function telephoneEventFor(offered: readonly Codec[], clockRate: number): Codec | undefined {
  return offered.find((c) => isTelephoneEvent(c) && c.clockRate === clockRate);
}

function feedbackKey(f: RtcpFeedback): string {
  return `${f.type.toLowerCase()} ${(f.subtype ?? "").toLowerCase()}`.trim();
}

/** Offered feedback we support, in the offerer's order; trr-int keeps the offered interval. */
export function intersectFeedback(offered: readonly RtcpFeedback[], supported: readonly RtcpFeedback[]): RtcpFeedback[] {
  const ok = new Set(supported.map((f) => (f.type === "trr-int" ? "trr-int" : feedbackKey(f))));
  return offered.filter((f) => ok.has(f.type === "trr-int" ? "trr-int" : feedbackKey(f)));
}

/** "nack pli" style text to feedback. */
export function feedback(text: string): RtcpFeedback {
  const [type, subtype] = text.trim().split(/\s+/, 2);
  return subtype ? { type, subtype } : { type };
}
