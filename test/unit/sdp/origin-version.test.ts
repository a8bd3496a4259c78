import { describe, expect, test } from "bun:test";
import { createOrigin, isRemoteModification, nextLocalDescription, parseSdp, serializeSdp } from "../../../src/sdp/index.ts";
import { fixture, parsedFixture } from "./support.ts";

describe("o= line per RFC 3264 §8", () => {
  const first = { ...parsedFixture("sipp-uac-av-offer.sdp"), origin: createOrigin({ address: "192.0.2.10", sessionId: "42", version: 5n }) };

  test("the first description of a leg is sent as built", () => {
    expect(nextLocalDescription(undefined, first)).toBe(first);
  });

  test("a changed description keeps username, session id and address, version + 1", () => {
    const changed = { ...first, media: [first.media[0]], origin: createOrigin({ address: "203.0.113.9", sessionId: "999" }) };
    const next = nextLocalDescription(first, changed);
    expect(next.origin).toEqual({ ...first.origin, version: 6n });
  });

  test("each successive change increments by exactly one", () => {
    let sd = first;
    for (const port of [7000, 7002, 7004]) sd = nextLocalDescription(sd, { ...sd, media: [{ ...sd.media[0], port }, sd.media[1]] });
    expect(sd.origin.version).toBe(8n);
  });

  test("an identical description (session refresh) keeps the version", () => {
    expect(nextLocalDescription(first, { ...first }).origin.version).toBe(5n);
  });

  test("a remote offer with the same origin version is not a modification", () => {
    const a = parseSdp(fixture("sipp-uac-av-offer.sdp"));
    const same = parseSdp(fixture("sipp-uac-av-offer.sdp").replace("a=sendrecv", "a=sendonly"));
    const bumped = parseSdp(fixture("sipp-uac-av-offer.sdp").replace("53655765 2353687637", "53655765 2353687638"));
    expect(isRemoteModification(undefined, a)).toBe(true);
    expect(isRemoteModification(a, same)).toBe(false);
    expect(isRemoteModification(a, bumped)).toBe(true);
  });

  test("an all-digit ICE ufrag and fingerprint stay text through parse and write", () => {
    const sd = parseSdp(fixture("chrome156-video-offer.sdp").replace("a=ice-ufrag:sbB7", "a=ice-ufrag:4711"));
    expect(sd.media[0].ice?.ufrag).toBe("4711");
    expect(serializeSdp(sd)).toContain("a=ice-ufrag:4711\r\n");
  });
});
