/** SessionDescription -> text, through sdp-transform's writer (RFC 4566 line order, CRLF). */
import { write as transformWrite } from "sdp-transform";
import type { MediaDescription as TransformMedia, SessionDescription as TransformSession } from "sdp-transform";
import { formatCapabilities } from "./capneg-attributes.ts";
import { formatFmtp } from "./fmtp.ts";
import type { Connection, DtlsParameters, IceParameters, MediaDescription, Origin, SessionDescription } from "./model.ts";

export function serializeSessionDescription(sd: SessionDescription): string {
  const session: TransformSession = {
    version: 0,
    // Written below by hand: sdp-transform formats the version with %d, which loses digits past 2^53.
    origin: { username: "-", sessionId: 0, sessionVersion: 0, netType: "IN", ipVer: 4, address: "0.0.0.0" },
    name: sd.name,
    timing: { start: sd.timing.start, stop: sd.timing.stop },
    connection: connection(sd.connection),
    bandwidth: sd.bandwidth.length ? sd.bandwidth.map((b) => ({ type: b.type, limit: b.value })) : undefined,
    groups: sd.groups.length ? sd.groups.map((g) => ({ type: g.semantics, mids: g.mids.join(" ") })) : undefined,
    icelite: sd.iceLite ? "ice-lite" : undefined,
    direction: sd.direction,
    ...ice(sd.ice),
    ...dtls(sd.dtls),
    invalid: raw([...formatCapabilities(sd.capabilities), ...sd.extra]),
    media: sd.media.map(media),
  };
  const text = transformWrite(session);
  return text.replace(/^o=.*$/m, `o=${formatOrigin(sd.origin)}`);
}

export function formatOrigin(o: Origin): string {
  return `${o.username} ${o.sessionId} ${o.version} IN ${o.addressType} ${o.address}`;
}

function connection(c: Connection | undefined): TransformSession["connection"] {
  return c ? { version: c.addressType === "IP6" ? 6 : 4, ip: c.address } : undefined;
}

function ice(i: IceParameters | undefined): Pick<TransformSession, "iceUfrag" | "icePwd" | "iceOptions"> {
  return i ? { iceUfrag: i.ufrag, icePwd: i.pwd, iceOptions: i.options } : {};
}

function dtls(d: DtlsParameters | undefined): Pick<TransformSession, "fingerprint" | "setup"> {
  return d ? { fingerprint: { type: d.fingerprint.algorithm, hash: d.fingerprint.value }, setup: d.setup } : {};
}

function raw(values: readonly string[]): { value: string }[] | undefined {
  return values.length ? values.map((value) => ({ value })) : undefined;
}

function media(m: MediaDescription): TransformMedia {
  const named = m.codecs.filter((c) => c.name !== "");
  const feedback = m.codecs.flatMap((c) => c.rtcpFb.map((f) => ({ pt: c.payloadType as number | string, f })))
    .concat(m.rtcpFbAll.map((f) => ({ pt: "*", f })));
  const imageattrs = m.imageattrs.map((i) => {
    const sets = [...(i.send ? [["send", i.send] as const] : []), ...(i.recv ? [["recv", i.recv] as const] : [])];
    return { pt: i.payloadType, dir1: sets[0][0], attrs1: sets[0][1], dir2: sets[1]?.[0], attrs2: sets[1]?.[1] };
  }).filter((i) => i.attrs1 !== undefined);
  return {
    type: m.kind,
    port: m.port,
    protocol: m.protocol,
    payloads: m.formats.join(" "),
    connection: connection(m.connection),
    bandwidth: m.bandwidth.length ? m.bandwidth.map((b) => ({ type: b.type, limit: b.value })) : undefined,
    rtp: named.map((c) => ({ payload: c.payloadType, codec: c.name, rate: c.clockRate, encoding: c.channels })),
    fmtp: m.codecs.filter((c) => c.params.length > 0).map((c) => ({ payload: c.payloadType, config: formatFmtp(c.params) })),
    rtcp: m.rtcp
      ? { port: m.rtcp.port, ...(m.rtcp.connection ? { netType: "IN", ipVer: m.rtcp.connection.addressType === "IP6" ? 6 : 4, address: m.rtcp.connection.address } : {}) }
      : undefined,
    rtcpFbTrrInt: nonEmpty(feedback.filter((x) => x.f.type === "trr-int").map((x) => ({ payload: x.pt, value: Number(x.f.subtype) }))),
    rtcpFb: nonEmpty(feedback.filter((x) => x.f.type !== "trr-int").map((x) => ({ payload: x.pt, type: x.f.type, subtype: x.f.subtype }))),
    ext: nonEmpty(m.extmaps.map((e) => ({ value: e.id, direction: e.direction, uri: e.uri, config: e.config }))),
    crypto: nonEmpty(m.crypto.map((c) => ({ id: c.tag, suite: c.suite, config: c.keyParams, sessionConfig: c.sessionParams }))),
    mid: m.mid,
    ptime: m.ptime,
    maxptime: m.maxptime,
    direction: m.direction,
    ...ice(m.ice),
    ...dtls(m.dtls),
    rtcpMux: m.rtcpMux ? "rtcp-mux" : undefined,
    rtcpRsize: m.rtcpRsize ? "rtcp-rsize" : undefined,
    imageattrs: nonEmpty(imageattrs),
    invalid: raw([
      ...formatCapabilities(m.capabilities),
      ...m.candidates.map((c) => `candidate:${c}`),
      ...(m.endOfCandidates ? ["end-of-candidates"] : []),
      ...m.extra,
    ]),
  };
}

function nonEmpty<T>(list: T[]): T[] | undefined {
  return list.length ? list : undefined;
}
