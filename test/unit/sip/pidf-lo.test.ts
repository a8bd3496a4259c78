import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseMessage, type SipRequest } from "../../../src/sip/message/index.ts";
import { conveyedLocationOf, parsePidfLo, PidfLoError } from "../../../src/sip/ua/index.ts";
import { callerLocationOf } from "../../../src/session/caller-location.ts";

const fixture = (name: string) => readFileSync(join(import.meta.dir, "../../fixtures/location", name), "utf8");
const volteInvite = () => parseMessage(new Uint8Array(readFileSync(join(import.meta.dir, "../../fixtures/sip/volte-video-invite.sip")))) as SipRequest;

describe("PIDF-LO", () => {
  test("a circle with a civic address in a tuple (RFC 5491 §5.2.3, RFC 5139)", () => {
    expect(parsePidfLo(fixture("circle-civic.xml"))).toEqual({
      entity: "pres:+8613800000000@example.cn",
      shapes: [{ kind: "circle", lat: 39.9042, lon: 116.4074, radiusM: 850 }],
      civic: { country: "CN", A1: "北京市", A3: "东城区", RD: "东长安街", HNO: "1" },
      method: "Cell",
      timestamp: "2026-11-26T01:02:03Z",
    });
  });

  test("a polygon from its posList", () => {
    const { shapes } = parsePidfLo(fixture("polygon.xml"));
    expect(shapes).toEqual([{ kind: "polygon", points: [
      { lat: 43.311, lon: -73.422 }, { lat: 43.111, lon: -73.322 }, { lat: 43.111, lon: -73.222 }, { lat: 43.311, lon: -73.422 },
    ] }]);
  });

  test("internal entities are not expanded (no billion laughs); external ones are refused", () => {
    const read = parsePidfLo(fixture("entity-expansion.xml"));
    expect(JSON.stringify(read).length).toBeLessThan(200);
    const external = fixture("entity-expansion.xml").replace("<!DOCTYPE presence [", '<!DOCTYPE presence [\n <!ENTITY ext SYSTEM "file:///etc/passwd">');
    expect(() => parsePidfLo(external)).toThrow(PidfLoError);
  });

  test("out-of-range coordinates and unknown shapes are left out, not guessed", () => {
    const xml = fixture("circle-civic.xml").replace("39.9042 116.4074", "139.9 116.4");
    expect(parsePidfLo(xml).shapes).toEqual([]);
  });

  test.each([
    ["not XML", "this is not xml <", /not well-formed/],
    ["another root", "<note><to>x</to></note>", /no <presence>/],
    ["unclosed element", "<presence><tuple></presence>", /not well-formed/],
    ["over 64 KiB", `<presence>${" ".repeat(70_000)}</presence>`, /exceeds/],
  ])("%s is a PidfLoError", (_name, xml, message) => {
    expect(() => parsePidfLo(xml)).toThrow(PidfLoError);
    expect(() => parsePidfLo(xml)).toThrow(message);
  });
});

describe("location conveyed in an INVITE (RFC 6442)", () => {
  test("the VoLTE INVITE's Geolocation cid: names its PIDF-LO part: a GPS point", () => {
    const report = callerLocationOf(volteInvite());
    expect(report).toEqual({
      location: {
        entity: "sip:+491701234567@ims.mnc001.mcc262.3gppnetwork.org",
        shapes: [{ kind: "point", lat: 52.520008, lon: 13.404954 }],
        method: "GPS", timestamp: "2026-11-26T00:30:00Z", deviceId: "urn:gsma:imei:35693803-564012-0",
      },
      references: [],
    });
  });

  test("a by-reference URI is reported, a cid: naming no part gives nothing by value", () => {
    const text = new TextDecoder().decode(readFileSync(join(import.meta.dir, "../../fixtures/sip/volte-video-invite.sip")))
      .replace("Geolocation: <cid:pidf-lo@ue.ims.mnc001.mcc262.3gppnetwork.org>", "Geolocation: <cid:other@x>, <https://lis.example.net/loc/42>");
    const conveyed = conveyedLocationOf(parseMessage(new TextEncoder().encode(text)) as SipRequest);
    expect(conveyed).toEqual({ byValue: [], byReference: ["https://lis.example.net/loc/42"] });
  });

  test("a cid: with a broken %-escape is read as written, not thrown (the call must not fail on it)", () => {
    const text = readFileSync(join(import.meta.dir, "../../fixtures/sip/volte-video-invite.sip"), "latin1")
      .replace("Geolocation: <cid:pidf-lo@ue.ims.mnc001.mcc262.3gppnetwork.org>", "Geolocation: <cid:%zz@x>");
    expect(conveyedLocationOf(parseMessage(new TextEncoder().encode(text)) as SipRequest)).toEqual({ byValue: [], byReference: [] });
  });

  test("an INVITE without location conveys none; a broken PIDF-LO is reported with its error", () => {
    const plain = "INVITE sip:110@10.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.2;branch=z9hG4bK1\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:110@10.0.0.1>\r\nCall-ID: x\r\nCSeq: 1 INVITE\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n";
    expect(callerLocationOf(parseMessage(new TextEncoder().encode(plain)) as SipRequest)).toBeNull();
    const broken = "<presence><tuple>";
    const withPidf = plain.replace("Content-Length: 0", `Content-Type: application/pidf+xml\r\nContent-Length: ${broken.length}`) .replace("\r\n\r\n", `\r\n\r\n${broken}`);
    const report = callerLocationOf(parseMessage(new TextEncoder().encode(withPidf)) as SipRequest);
    expect(report?.location).toBeNull();
    expect(report?.error).toMatch(/not well-formed/);
  });
});
