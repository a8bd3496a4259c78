/** Text -> validated SessionDescription, on sdp-transform's attribute grammar. Throws only SdpError. */
import { isIPv4, isIPv6 } from "node:net";
import { parse as transformParse } from "sdp-transform";
import type { MediaAttributes, SharedAttributes } from "sdp-transform";
import { SdpError } from "./errors.ts";
import { clip, parseFmtp } from "./fmtp.ts";
import { STATIC_PAYLOAD_TYPES } from "./codecs.ts";
import { CAPNEG_ATTRIBUTES, parseCapabilities } from "./capneg-attributes.ts";
import {
  isRtpProtocol, type AddressType, type Bandwidth, type BandwidthType, type Codec, type Connection, type Crypto,
  type Direction, type DtlsParameters, type DtlsSetup, type Extmap, type FmtpParam, type ImageAttr, type IceParameters,
  type MediaDescription, type Origin, type RtcpFeedback, type SessionDescription,
} from "./model.ts";

export interface ParseLimits {
  readonly maxBytes: number;
  readonly maxLines: number;
  readonly maxLineLength: number;
  readonly maxMedia: number;
  readonly maxFormatsPerMedia: number;
  readonly maxAttributesPerSection: number;
}

export const DEFAULT_PARSE_LIMITS: ParseLimits = {
  maxBytes: 65535, maxLines: 4096, maxLineLength: 4096, maxMedia: 32, maxFormatsPerMedia: 128, maxAttributesPerSection: 1024,
};

const DIRECTIONS = new Set<string>(["sendrecv", "sendonly", "recvonly", "inactive"]);
const SETUPS = new Set<string>(["actpass", "active", "passive", "holdconn"]);
/** Attributes this model represents; every other attribute goes to `extra` verbatim. */
const MODELLED = new Set([
  "rtpmap", "fmtp", "rtcp", "rtcp-fb", "extmap", "crypto", "imageattr", "mid", "ptime", "maxptime", "ice-ufrag",
  "ice-pwd", "ice-options", "ice-lite", "fingerprint", "setup", "candidate", "end-of-candidates", "rtcp-mux",
  "rtcp-rsize", "group", ...DIRECTIONS, ...CAPNEG_ATTRIBUTES,
]);

const SESSION_MODELLED = new Set([
  "group", "ice-ufrag", "ice-pwd", "ice-options", "ice-lite", "fingerprint", "setup", ...DIRECTIONS, ...CAPNEG_ATTRIBUTES,
]);

interface RawSection {
  readonly mline?: string;
  readonly index: number;
  readonly lines: { type: string; value: string }[];
  readonly attributes: { name: string; value: string }[];
}

export function parseSessionDescription(text: string, limits: Partial<ParseLimits> = {}): SessionDescription {
  const lim = { ...DEFAULT_PARSE_LIMITS, ...limits };
  if (typeof text !== "string") throw new SdpError("bad-line", "SDP body is not text");
  if (text.length > lim.maxBytes || Buffer.byteLength(text) > lim.maxBytes) {
    throw new SdpError("too-large", `SDP body of ${Buffer.byteLength(text)} bytes exceeds ${lim.maxBytes}`);
  }
  const sections = splitSections(text, lim);
  const [session, ...mediaSections] = sections;
  if (mediaSections.length === 0) throw new SdpError("no-media", "SDP has no m= line");
  // sdp-transform gets only lines that passed the checks above.
  const parsed = transformParse(sections.flatMap((s) => s.lines.map((l) => `${l.type}=${l.value}`)).join("\r\n") + "\r\n");
  const sessionConnection = connectionOf(session, "session");
  const media = mediaSections.map((s, i) => parseMedia(s, parsed.media[i] as MediaAttributes, lim, sessionConnection));
  const attrs = session.attributes;
  return {
    origin: parseOrigin(single(session, "o")),
    name: single(session, "s") ?? "-",
    connection: sessionConnection,
    bandwidth: bandwidthOf(session),
    timing: parseTiming(single(session, "t")),
    direction: directionOf(attrs),
    groups: attrs.filter((a) => a.name === "group").map((a) => {
      const [semantics, ...mids] = a.value.trim().split(/\s+/);
      return { semantics, mids };
    }),
    ice: iceOf(parsed, attrs),
    iceLite: attrs.some((a) => a.name === "ice-lite"),
    dtls: dtlsOf(parsed),
    capabilities: parseCapabilities(attrs.filter((a) => CAPNEG_ATTRIBUTES.has(a.name))),
    extra: extraOf(attrs, SESSION_MODELLED),
    media,
  };
}

function splitSections(text: string, lim: ParseLimits): RawSection[] {
  const rawLines = text.split(/\r\n|\r|\n/);
  if (rawLines.length > lim.maxLines) throw new SdpError("too-many-lines", `SDP has more than ${lim.maxLines} lines`);
  const sections: RawSection[] = [{ index: -1, lines: [], attributes: [] }];
  let first = true;
  for (let n = 0; n < rawLines.length; n++) {
    const line = rawLines[n].trimEnd();
    if (line === "") continue;
    if (line.length > lim.maxLineLength) throw new SdpError("line-too-long", `SDP line ${n + 1} is longer than ${lim.maxLineLength}`);
    if (!/^[a-z]=/.test(line)) throw new SdpError("bad-line", `SDP line ${n + 1} is not "<type>=<value>": "${clip(line)}"`);
    if (first && line !== "v=0") throw new SdpError("bad-version", `SDP must start with "v=0", got "${clip(line)}"`);
    first = false;
    const type = line[0];
    const value = line.slice(2);
    if (type === "m") {
      if (sections.length > lim.maxMedia) throw new SdpError("too-many-media", `SDP has more than ${lim.maxMedia} m= lines`);
      sections.push({ mline: value, index: sections.length - 1, lines: [], attributes: [] });
    }
    const section = sections[sections.length - 1];
    section.lines.push({ type, value });
    if (type === "a") {
      if (section.attributes.length >= lim.maxAttributesPerSection) {
        throw new SdpError("too-many-attributes", `${where(section)} has more than ${lim.maxAttributesPerSection} attributes`);
      }
      const colon = value.indexOf(":");
      section.attributes.push(colon < 0 ? { name: value, value: "" } : { name: value.slice(0, colon), value: value.slice(colon + 1) });
    }
  }
  if (first) throw new SdpError("bad-version", "SDP body is empty");
  return sections;
}

function where(s: RawSection): string {
  return s.index < 0 ? "session level" : `m-line ${s.index + 1}`;
}

function single(s: RawSection, type: string): string | undefined {
  return s.lines.find((l) => l.type === type)?.value;
}

function parseOrigin(value: string | undefined): Origin {
  if (value === undefined) throw new SdpError("bad-origin", "SDP has no o= line");
  const m = /^(\S+) (\d{1,20}) (\d{1,20}) IN (IP4|IP6) (\S+)$/.exec(value);
  if (!m) throw new SdpError("bad-origin", `o= line "${clip(value)}" is not "<user> <sess-id> <version> IN IP4|IP6 <address>"`);
  return { username: m[1], sessionId: m[2], version: BigInt(m[3]), addressType: m[4] as AddressType, address: m[5] };
}

function parseTiming(value: string | undefined): { start: number; stop: number } {
  const m = value === undefined ? null : /^(\d{1,20}) (\d{1,20})$/.exec(value);
  return m ? { start: Number(m[1]), stop: Number(m[2]) } : { start: 0, stop: 0 };
}

function connectionOf(s: RawSection, label: string): Connection | undefined {
  const value = single(s, "c");
  if (value === undefined) return undefined;
  const m = /^IN (IP4|IP6) (\S+)$/.exec(value);
  const ok = m && (m[1] === "IP4" ? isIPv4(m[2]) : isIPv6(m[2]));
  if (!m || !ok) {
    throw new SdpError("bad-connection", `c= line "${clip(value)}" at ${label} is not "IN IP4|IP6 <unicast address>"`);
  }
  return { addressType: m[1] as AddressType, address: m[2] };
}

function bandwidthOf(s: RawSection): Bandwidth[] {
  const out: Bandwidth[] = [];
  for (const l of s.lines) {
    if (l.type !== "b") continue;
    const m = /^(AS|TIAS|CT|RR|RS):(\d{1,10})$/.exec(l.value);
    if (m) out.push({ type: m[1] as BandwidthType, value: Number(m[2]) });
  }
  return out;
}

function directionOf(attrs: readonly { name: string }[]): Direction | undefined {
  return attrs.filter((a) => DIRECTIONS.has(a.name)).at(-1)?.name as Direction | undefined;
}

function extraOf(attrs: readonly { name: string; value: string }[], modelled: ReadonlySet<string>): string[] {
  return attrs.filter((a) => !modelled.has(a.name)).map((a) => (a.value === "" ? a.name : `${a.name}:${a.value}`));
}

function iceOf(parsed: SharedAttributes, attrs: readonly { name: string; value: string }[]): IceParameters | undefined {
  if (!parsed.iceUfrag || !parsed.icePwd) return undefined;
  const options = attrs.find((a) => a.name === "ice-options")?.value.trim();
  return { ufrag: String(parsed.iceUfrag), pwd: String(parsed.icePwd), ...(options ? { options } : {}) };
}

function dtlsOf(parsed: SharedAttributes): DtlsParameters | undefined {
  if (!parsed.fingerprint) return undefined;
  const setup = parsed.setup && SETUPS.has(String(parsed.setup)) ? (parsed.setup as DtlsSetup) : undefined;
  return { fingerprint: { algorithm: String(parsed.fingerprint.type), value: String(parsed.fingerprint.hash) }, ...(setup ? { setup } : {}) };
}

function parseMedia(s: RawSection, parsed: MediaAttributes, lim: ParseLimits, sessionConnection?: Connection): MediaDescription {
  const label = where(s);
  // A port count ("4000/2", layered encodings) is accepted and ignored: SIP endpoints do not use it.
  const m = /^([A-Za-z][\w-]*) (\d{1,5})(?:\/\d{1,5})? (\S+)(?: (.*))?$/.exec(s.mline!);
  if (!m) throw new SdpError("bad-media", `${label} "m=${clip(s.mline!)}" is not "<media> <port> <proto> <fmt> ..."`);
  const port = Number(m[2]);
  if (port > 65535) throw new SdpError("bad-port", `${label} has port ${m[2]} outside 0-65535`);
  const protocol = m[3];
  const formats = (m[4] ?? "").trim().split(/\s+/).filter((f) => f !== "");
  if (formats.length > lim.maxFormatsPerMedia) throw new SdpError("too-many-formats", `${label} lists more than ${lim.maxFormatsPerMedia} formats`);
  const connection = connectionOf(s, label);
  if (port !== 0 && !connection && !sessionConnection) throw new SdpError("bad-connection", `${label} has no c= line and the session has none`);
  const attrs = s.attributes;
  const rtp = isRtpProtocol(protocol);
  if (rtp && formats.length === 0) throw new SdpError("bad-media", `${label} lists no payload formats`);
  checkParsed(label, attrs, parsed, "rtcp-fb", (parsed.rtcpFb?.length ?? 0) + (parsed.rtcpFbTrrInt?.length ?? 0));
  checkParsed(label, attrs, parsed, "extmap", parsed.ext?.length ?? 0);
  checkParsed(label, attrs, parsed, "crypto", parsed.crypto?.length ?? 0);
  checkParsed(label, attrs, parsed, "imageattr", parsed.imageattrs?.length ?? 0);
  const feedback = feedbackOf(label, parsed);
  return {
    kind: m[1],
    port,
    protocol,
    formats,
    connection,
    bandwidth: bandwidthOf(s),
    direction: directionOf(attrs),
    codecs: rtp ? codecsOf(label, formats, attrs, feedback) : [],
    rtcpFbAll: feedback.get("*") ?? [],
    rtcp: rtcpOf(label, parsed),
    rtcpMux: attrs.some((a) => a.name === "rtcp-mux"),
    rtcpRsize: attrs.some((a) => a.name === "rtcp-rsize"),
    extmaps: (parsed.ext ?? []).map((e) => extmapOf(label, e)),
    imageattrs: (parsed.imageattrs ?? []).map((i) => imageattrOf(label, i)),
    crypto: (parsed.crypto ?? []).map((c): Crypto => ({
      tag: boundedInt(label, "crypto tag", c.id, 0, 999999999), suite: String(c.suite), keyParams: String(c.config), ...(c.sessionConfig !== undefined ? { sessionParams: String(c.sessionConfig) } : {}),
    })),
    capabilities: parseCapabilities(attrs.filter((a) => CAPNEG_ATTRIBUTES.has(a.name))),
    mid: parsed.mid !== undefined ? String(parsed.mid) : undefined,
    ptime: packetTime(parsed.ptime),
    maxptime: packetTime(parsed.maxptime),
    ice: iceOf(parsed, attrs),
    dtls: dtlsOf(parsed),
    candidates: attrs.filter((a) => a.name === "candidate").map((a) => a.value),
    endOfCandidates: attrs.some((a) => a.name === "end-of-candidates"),
    extra: extraOf(attrs, MODELLED),
  };
}

/** a=ptime/maxptime in ms; nonsense values are dropped rather than failing the call. */
function packetTime(v: unknown): number | undefined {
  const n = Number(v);
  return v !== undefined && Number.isFinite(n) && n > 0 && n <= 10000 ? n : undefined;
}

/** sdp-transform turns digit runs into numbers; a value out of range would not survive writing. */
function boundedInt(label: string, what: string, v: unknown, min: number, max: number): number {
  const n = /^\d{1,10}$/.test(String(v)) ? Number(v) : NaN;
  if (!Number.isInteger(n) || n < min || n > max) throw new SdpError("bad-attribute", `${label} has ${what} "${clip(String(v))}" outside ${min}-${max}`);
  return n;
}

/** sdp-transform puts a line its grammar rejects into `invalid`; for a modelled attribute that is an error. */
function checkParsed(label: string, attrs: readonly { name: string; value: string }[], parsed: MediaAttributes, name: string, count: number): void {
  const raw = attrs.filter((a) => a.name === name);
  if (raw.length === count) return;
  const bad = parsed.invalid?.find((i) => i.value.startsWith(name + ":"))?.value ?? `${name}:${raw[0]?.value ?? ""}`;
  throw new SdpError("bad-attribute", `${label} has an invalid "a=${clip(bad)}"`);
}

function feedbackOf(label: string, parsed: MediaAttributes): Map<string, RtcpFeedback[]> {
  const byPt = new Map<string, RtcpFeedback[]>();
  const add = (pt: string | number, f: RtcpFeedback) => {
    const key = String(pt);
    if (key !== "*" && !/^\d{1,3}$/.test(key)) throw new SdpError("bad-attribute", `${label} has a=rtcp-fb for payload "${clip(key)}"`);
    byPt.set(key, [...(byPt.get(key) ?? []), f]);
  };
  for (const t of parsed.rtcpFbTrrInt ?? []) add(t.payload, { type: "trr-int", subtype: String(boundedInt(label, "trr-int", t.value, 0, 4294967295)) });
  for (const f of parsed.rtcpFb ?? []) {
    // sdp-transform turns numeric tokens into numbers: every value taken from it is made text again.
    const type = String(f.type);
    if (type === "" || type === "trr-int") throw new SdpError("bad-attribute", `${label} has an a=rtcp-fb:${f.payload} ${type} without its value`);
    add(f.payload, f.subtype !== undefined && f.subtype !== "" ? { type, subtype: String(f.subtype) } : { type });
  }
  return byPt;
}

function codecsOf(label: string, formats: readonly string[], attrs: readonly { name: string; value: string }[], feedback: Map<string, RtcpFeedback[]>): Codec[] {
  const rtpmaps = new Map<number, { name: string; clockRate: number; channels?: number }>();
  const fmtps = new Map<number, FmtpParam[]>();
  for (const a of attrs) {
    if (a.name === "rtpmap") {
      const m = /^(\d{1,3}) ([A-Za-z0-9_.+-]+)\/(\d{1,7})(?:\/(\d{1,2}))?\s*$/.exec(a.value);
      if (!m || Number(m[1]) > 127 || Number(m[3]) === 0) throw new SdpError("bad-rtpmap", `${label} has an invalid "a=rtpmap:${clip(a.value)}"`);
      rtpmaps.set(Number(m[1]), { name: m[2], clockRate: Number(m[3]), ...(m[4] ? { channels: Number(m[4]) } : {}) });
    } else if (a.name === "fmtp") {
      const m = /^(\d{1,3})(?:\s+(.*))?$/.exec(a.value);
      if (!m || Number(m[1]) > 127) throw new SdpError("bad-fmtp", `${label} has an invalid "a=fmtp:${clip(a.value)}"`);
      if (!fmtps.has(Number(m[1]))) fmtps.set(Number(m[1]), parseFmtp(m[2] ?? "", Number(m[1])));
    }
  }
  return formats.map((f): Codec => {
    if (!/^\d{1,3}$/.test(f) || Number(f) > 127) throw new SdpError("bad-media", `${label} has payload type "${clip(f)}" outside 0-127`);
    const pt = Number(f);
    const map = rtpmaps.get(pt) ?? STATIC_PAYLOAD_TYPES[pt] ?? { name: "", clockRate: 0 };
    return { payloadType: pt, ...map, params: fmtps.get(pt) ?? [], rtcpFb: feedback.get(f) ?? [] };
  });
}

function rtcpOf(label: string, parsed: MediaAttributes): MediaDescription["rtcp"] {
  if (!parsed.rtcp) return undefined;
  const port = Number(parsed.rtcp.port);
  if (!Number.isInteger(port) || port > 65535 || String(parsed.rtcp.port) === "") throw new SdpError("bad-port", `${label} has an invalid a=rtcp port`);
  if (parsed.rtcp.address === undefined) return { port };
  const addressType: AddressType = Number(parsed.rtcp.ipVer) === 6 ? "IP6" : "IP4";
  const ok = addressType === "IP4" ? isIPv4(parsed.rtcp.address) : isIPv6(parsed.rtcp.address);
  if (!ok) throw new SdpError("bad-connection", `${label} has an invalid a=rtcp address "${clip(parsed.rtcp.address)}"`);
  return { port, connection: { addressType, address: parsed.rtcp.address } };
}

function extmapOf(label: string, e: NonNullable<SharedAttributes["ext"]>[number]): Extmap {
  const direction = e.direction && DIRECTIONS.has(e.direction) ? (e.direction as Direction) : undefined;
  // RFC 8285: 1-14 one-byte, up to 255 two-byte; 4096-4351 may appear in offers.
  const config = e.config !== undefined && e.config !== "" ? String(e.config) : undefined;
  if (String(e.uri) === "") throw new SdpError("bad-attribute", `${label} has an a=extmap:${e.value} without a URI`);
  return { id: boundedInt(label, "extmap id", e.value, 1, 4351), uri: String(e.uri), ...(direction ? { direction } : {}), ...(config ? { config } : {}) };
}

function imageattrOf(label: string, i: NonNullable<MediaAttributes["imageattrs"]>[number]): ImageAttr {
  const payloadType = i.pt === "*" ? "*" : boundedInt(label, "imageattr payload type", i.pt, 0, 127);
  const send = i.dir1 === "send" ? i.attrs1 : i.dir2 === "send" ? i.attrs2 : undefined;
  const recv = i.dir1 === "recv" ? i.attrs1 : i.dir2 === "recv" ? i.attrs2 : undefined;
  return { payloadType, ...(send ? { send } : {}), ...(recv ? { recv } : {}) };
}
