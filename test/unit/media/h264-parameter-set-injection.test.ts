import { join } from "node:path";
import { describe, expect, test } from "bun:test";
import {
  describeH264Payload, extractNalUnits, formatSpropParameterSets, isKeyframe, NalType, ParameterSetInjector, parseSps,
} from "../../../src/media/h264/index.ts";
import { RtpHeaderView } from "../../../src/media/rtp/index.ts";
import { carriesParameterSets, h264CapturePackets, payloadOf } from "../../support/h264-stream.ts";
import { readPcapFile } from "../../support/pcap.ts";
import { MEDIA_FIXTURES } from "../../support/media-fixtures.ts";

const capture = h264CapturePackets();
const stripped = capture.filter((p) => !carriesParameterSets(p));
const paramSets = extractNalUnits(payloadOf(capture.find(carriesParameterSets)!)).filter((u) => (u[0] & 0x1f) !== NalType.Sei);
const sprop = formatSpropParameterSets(paramSets);

function run(injector: ParameterSetInjector, packets: Uint8Array[]): { out: Uint8Array[]; injections: number } {
  const out: Uint8Array[] = [];
  let injections = 0;
  for (const p of packets) {
    const r = injector.process(p);
    if (r === null) out.push(p);
    else { injections++; out.push(...r); expect(r[r.length - 1]).toBe(p); }
  }
  return { out, injections };
}

describe("ParameterSetInjector", () => {
  test("stream without in-band SPS/PPS + sprop: one STAP-A per IDR picture (not per slice), ahead of the IDR", () => {
    expect(stripped.length).toBe(800);
    const { out, injections } = run(new ParameterSetInjector({ mode: "stap-a", sprop }), stripped);
    expect(injections).toBe(10);
    expect(out.length).toBe(810);
    const v = new RtpHeaderView();
    const idr = new RtpHeaderView();
    out.forEach((p, i) => {
      if (!carriesParameterSets(p)) return;
      expect(v.wrap(p)).toBe(true);
      expect(idr.wrap(out[i + 1])).toBe(true);
      expect([v.ssrc, v.timestamp, v.payloadType, v.marker]).toEqual([idr.ssrc, idr.timestamp, idr.payloadType, false]);
      expect(v.sequenceNumber).toBe((idr.sequenceNumber - 1) & 0xffff);
      expect(describeH264Payload(payloadOf(out[i + 1]))).toMatchObject({ hasIdr: true, fuStart: true });
      expect(extractNalUnits(payloadOf(p))).toEqual(paramSets);
    });
  });

  test("'separate' mode (packetization-mode 0 far end) sends SPS then PPS as single-NAL packets", () => {
    const { out, injections } = run(new ParameterSetInjector({ mode: "separate", sprop }), stripped);
    expect(injections).toBe(10);
    expect(out.length).toBe(820);
    const i = out.findIndex((p) => (payloadOf(p)[0] & 0x1f) === NalType.Sps);
    expect(payloadOf(out[i])).toEqual(paramSets[0]);
    expect(payloadOf(out[i + 1])).toEqual(paramSets[1]);
    expect(describeH264Payload(payloadOf(out[i + 2])).hasIdr).toBe(true);
  });

  test("a stream that already carries SPS/PPS before each IDR is left alone", () => {
    expect(run(new ParameterSetInjector({ mode: "stap-a", sprop }), capture).injections).toBe(0);
  });

  test("without sprop it learns the parameter sets from the stream and uses them for later IDRs", () => {
    const firstStap = capture.findIndex(carriesParameterSets);
    const withOnlyFirst = capture.filter((p, i) => i === firstStap || !carriesParameterSets(p));
    const injector = new ParameterSetInjector({ mode: "stap-a" });
    expect(injector.hasParameterSets).toBe(false);
    expect(run(injector, withOnlyFirst).injections).toBe(9);
  });

  test("a STAP-A larger than the MTU falls back to separate packets; nothing to inject without parameter sets", () => {
    expect(run(new ParameterSetInjector({ mode: "stap-a", sprop, mtu: 20 }), stripped).out.length).toBe(820);
    expect(run(new ParameterSetInjector({ mode: "stap-a" }), stripped).injections).toBe(0);
  });

  test("malformed RTP or H.264 is forwarded untouched", () => {
    const inj = new ParameterSetInjector({ mode: "stap-a", sprop });
    expect(inj.process(new Uint8Array([0x80, 0x60, 0, 1]))).toBeNull();
    expect(inj.process(new Uint8Array([0x80, 0x60, 0, 1, 0, 0, 0, 1, 0, 0, 0, 2, 0x78, 0x00, 0xff]))).toBeNull();
  });
});

describe("packetization-mode 0 stream from baresip (SPS, PPS, SEI, IDR as separate single-NAL packets)", () => {
  const mode0 = readPcapFile(join(MEDIA_FIXTURES, "baresip_h264_mode0.pcap")).map((d) => d.payload);
  const typeOf = (p: Uint8Array) => payloadOf(p)[0] & 0x1f;

  test("352x288 42c014, two keyframes; isKeyframe flags the SPS and IDR packets only", () => {
    const sps = mode0.filter((p) => typeOf(p) === NalType.Sps);
    expect(sps.length).toBe(2);
    expect(parseSps(payloadOf(sps[0]))).toMatchObject({ width: 352, height: 288, profileLevelId: "42c014" });
    expect(mode0.filter((p) => isKeyframe(payloadOf(p))).length).toBe(4);
  });

  test("in-band parameter sets in earlier packets of the same access unit suppress injection", () => {
    expect(run(new ParameterSetInjector({ mode: "separate" }), mode0).injections).toBe(0);
  });

  test("with SPS/PPS packets removed, separate SPS+PPS packets are injected before each IDR", () => {
    const spsPps = mode0.filter((p) => typeOf(p) === NalType.Sps || typeOf(p) === NalType.Pps).slice(0, 2).map(payloadOf);
    const without = mode0.filter((p) => typeOf(p) !== NalType.Sps && typeOf(p) !== NalType.Pps);
    const { out, injections } = run(new ParameterSetInjector({ mode: "separate", sprop: formatSpropParameterSets(spsPps) }), without);
    expect(injections).toBe(2);
    expect(out.map(typeOf).filter((t) => t !== NalType.Slice)).toEqual([6, 7, 8, 5, 7, 8, 5]); // x264 sends its SEI once; it stays first
  });
});
