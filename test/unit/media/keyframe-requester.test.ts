import { describe, expect, test } from "bun:test";
import {
  DEFAULT_KEYFRAME_MIN_INTERVAL_MS, type KeyframeAction, KeyframeRequestDetector, KeyframeRequester, peerFeedbackFromRtcpFb,
} from "../../../src/media/keyframe/index.ts";
import { FullIntraRequest, parseRtcp, PictureLossIndication } from "../../../src/media/rtcp/index.ts";
import { FakeClock } from "../../support/fake-clock.ts";

const both = { pli: true, fir: true, sipInfo: true };

function requester(peer = both, extra: Partial<ConstructorParameters<typeof KeyframeRequester>[0]> = {}) {
  const clock = new FakeClock();
  const r = new KeyframeRequester({ clock, senderSsrc: 0xaa, mediaSsrc: 0xbb, peer, ...extra });
  const events: string[] = [];
  r.on("request", (a) => events.push(a.kind));
  r.on("discarded", (why) => events.push(`discarded:${why}`));
  return { clock, r, events };
}

describe("translation to what the peer negotiated", () => {
  test("PLI from a browser becomes FIR for a FIR-only VoLTE phone, with its command sequence number incrementing", () => {
    const { clock, r } = requester({ pli: false, fir: true, sipInfo: true });
    const seqs: number[] = [];
    for (let i = 0; i < 3; i++) {
      const a = r.request();
      if (a?.kind !== "fir") throw new Error(`expected FIR, got ${a?.kind}`);
      const wire = parseRtcp(a.packet.serialize())[0] as FullIntraRequest;
      expect(wire.senderSsrc).toBe(0xaa);
      expect(wire.entries[0].ssrc).toBe(0xbb);
      seqs.push(wire.entries[0].seqNr);
      clock.advance(DEFAULT_KEYFRAME_MIN_INTERVAL_MS + 1);
    }
    expect(seqs).toEqual([0, 1, 2]);
  });

  test("FIR sequence numbers are per target SSRC and wrap at 255", () => {
    const { r } = requester({ pli: false, fir: true, sipInfo: false }, { minIntervalMs: 0 });
    for (let i = 0; i < 256; i++) r.request();
    expect((r.request() as Extract<KeyframeAction, { kind: "fir" }>).packet.entries[0].seqNr).toBe(0);
    r.setMediaSsrc(0xcc);
    expect((r.request() as Extract<KeyframeAction, { kind: "fir" }>).packet.entries[0]).toEqual({ ssrc: 0xcc, seqNr: 0 });
  });

  test("PLI when supported (default preference), FIR when preferred", () => {
    expect(requester().r.request()?.kind).toBe("pli");
    expect(requester(both, { prefer: "fir" }).r.request()?.kind).toBe("fir");
    const pli = requester({ pli: true, fir: false, sipInfo: false }).r.request();
    expect(pli?.kind === "pli" && parseRtcp(pli.packet.serialize())[0]).toEqual(new PictureLossIndication(0xaa, 0xbb));
  });

  test("no rtcp-fb: SIP INFO picture_fast_update (RFC 5168) is handed up as an event", () => {
    const { r, events } = requester({ pli: false, fir: false, sipInfo: true });
    const a = r.request();
    expect(a).toMatchObject({ kind: "sip-info", contentType: "application/media_control+xml" });
    expect(a?.kind === "sip-info" && a.body).toContain("<picture_fast_update/>");
    expect(events).toEqual(["sip-info"]);
  });

  test("nothing negotiated and INFO not allowed: discarded as unsupported", () => {
    const { r, events } = requester({ pli: false, fir: false, sipInfo: false });
    expect(r.request()).toBeNull();
    expect(events).toEqual(["discarded:unsupported"]);
  });

  test("peerFeedbackFromRtcpFb reads sdp-transform rtcpFb entries", () => {
    expect(peerFeedbackFromRtcpFb([{ type: "nack" }, { type: "nack", subtype: "pli" }, { type: "ccm", subtype: "fir" }])).toEqual(both);
    expect(peerFeedbackFromRtcpFb([{ type: "nack" }, { type: "goog-remb" }], false)).toEqual({ pli: false, fir: false, sipInfo: false });
    expect(peerFeedbackFromRtcpFb([{ type: "CCM", subtype: "FIR" }]).fir).toBe(true);
  });
});

describe("rate limiting like Asterisk's video_update_discard", () => {
  test("default window is 2000 ms: requests inside it are discarded, the first after it passes", () => {
    const { clock, r, events } = requester();
    expect(DEFAULT_KEYFRAME_MIN_INTERVAL_MS).toBe(2000);
    expect(r.request()).not.toBeNull();
    clock.advance(1000);
    expect(r.request()).toBeNull();
    clock.advance(1000); // exactly 2000 ms: still inside (Asterisk forwards only when the gap is > discard)
    expect(r.request()).toBeNull();
    clock.advance(1);
    expect(r.request()).not.toBeNull();
    expect(events).toEqual(["pli", "discarded:rate-limited", "discarded:rate-limited", "pli"]);
  });

  test("discarded requests do not extend the window; a configured window and 0 = off are honoured", () => {
    const { clock, r } = requester(both, { minIntervalMs: 500 });
    r.request();
    clock.advance(400);
    r.request();
    clock.advance(101);
    expect(r.request()).not.toBeNull();
    const off = requester(both, { minIntervalMs: 0 }).r;
    expect([off.request(), off.request(), off.request()].every((a) => a !== null)).toBe(true);
  });

  test("a forced request (join/switch) bypasses the window and restarts it", () => {
    const { clock, r, events } = requester();
    r.request();
    clock.advance(10);
    expect(r.request({ force: true })).not.toBeNull();
    clock.advance(1995); // 2005 ms after the first, 1995 after the forced one
    expect(r.request()).toBeNull();
    expect(events).toEqual(["pli", "pli", "discarded:rate-limited"]);
  });

  test("close() is idempotent and later requests are discarded", () => {
    const { r, events } = requester();
    r.close();
    r.close();
    expect(r.request()).toBeNull();
    expect(events).toEqual([]);
  });
});

describe("KeyframeRequestDetector", () => {
  test("PLI for our SSRC counts; for another SSRC it does not", () => {
    const d = new KeyframeRequestDetector();
    expect(d.isKeyframeRequest(new PictureLossIndication(1, 0xbb), 0xbb)).toBe(true);
    expect(d.isKeyframeRequest(new PictureLossIndication(1, 0xcc), 0xbb)).toBe(false);
  });
  test("a retransmitted FIR (same seqNr) is not a new request (RFC 5104 §4.3.1.1)", () => {
    const d = new KeyframeRequestDetector();
    const fir = (seqNr: number) => new FullIntraRequest(1, [{ ssrc: 0xbb, seqNr }]);
    expect([fir(4), fir(4), fir(5), fir(5), fir(4)].map((f) => d.isKeyframeRequest(f, 0xbb))).toEqual([true, false, true, false, true]);
    expect(d.isKeyframeRequest(new FullIntraRequest(1, [{ ssrc: 0xcc, seqNr: 9 }]), 0xbb)).toBe(false);
  });
  test("SIP INFO bodies", () => {
    const d = new KeyframeRequestDetector();
    expect(d.isPictureFastUpdate('<?xml version="1.0"?><media_control><vc_primitive><to_encoder><picture_fast_update></picture_fast_update></to_encoder></vc_primitive></media_control>')).toBe(true);
    expect(d.isPictureFastUpdate("<media_control><general_error>nope</general_error></media_control>")).toBe(false);
    expect(d.isPictureFastUpdate("not xml")).toBe(false);
  });
});
