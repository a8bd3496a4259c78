/** The VoLTE/IMS video INVITE fixture (shared with other layers) parses to the values they rely on. */
import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createResponse, parseMessage, parseMultipart, SipRequest } from "../../../src/sip/message/index.ts";

const raw = new Uint8Array(readFileSync(join(import.meta.dir, "../../fixtures/sip/volte-video-invite.sip")));

function invite(): SipRequest {
  const m = parseMessage(raw);
  if (!(m instanceof SipRequest)) throw new Error("not a request");
  return m;
}

test("IMS headers: PAI list, PANI, Security-Verify, Supported, Session-Expires", () => {
  const m = invite();
  expect(m.method).toBe("INVITE");
  expect(m.uri.user).toBe("+49301100");
  expect(m.uri.params.get("user")).toBe("phone");
  expect(m.to.uri.scheme).toBe("tel");
  expect(m.to.uri.user).toBe("+49301100");
  expect(m.to.uri.params.get("phone-context")).toBe("ims.mnc001.mcc262.3gppnetwork.org");
  expect(m.from.displayName).toBe("Max Mustermann");
  expect(m.headers.getAll("P-Asserted-Identity")).toEqual([
    '"Max Mustermann" <sip:+491701234567@ims.mnc001.mcc262.3gppnetwork.org>',
    "<tel:+491701234567>",
  ]);
  expect(m.headers.get("P-Access-Network-Info")).toStartWith("3GPP-E-UTRAN-FDD;");
  expect(m.headers.getAll("Security-Verify")).toHaveLength(1);
  expect(m.headers.getAll("Supported")).toEqual(["100rel", "timer", "precondition", "replaces", "histinfo"]);
  expect(m.headers.get("Session-Expires")).toBe("1800;refresher=uac");
  expect(m.headers.getAll("Record-Route")).toHaveLength(3);
  expect(m.vias.map((v) => v.host)).toEqual(["10.10.1.5", "10.20.3.17", "[2001:db8:1:2::1b]"]);
  expect(m.topVia.params.get("rport")).toBeNull();
  const [contact] = m.contact;
  expect(contact.uri.host).toBe("[2001:db8:1:2::1b]");
  expect(contact.params.get("+sip.instance")).toBe('"<urn:gsma:imei:35693803-564012-0>"');
  expect(contact.params.get("video")).toBeNull();
});

test("multipart body: SDP (AMR-WB, H.264 42e00c mode 0, tcap) + PIDF-LO referenced by Geolocation cid", () => {
  const m = invite();
  const parts = parseMultipart(m.headers.get("Content-Type")!, m.body);
  expect(parts.map((p) => p.contentType)).toEqual(["application/sdp", "application/pidf+xml"]);
  const sdp = new TextDecoder().decode(parts[0].body);
  expect(sdp).toContain("a=rtpmap:116 AMR-WB/16000/1");
  expect(sdp).toContain("a=fmtp:114 profile-level-id=42e00c;packetization-mode=0;");
  expect(sdp).toContain("a=tcap:1 RTP/AVPF");
  expect(sdp.endsWith("a=framerate:15\r\n")).toBe(true);
  const cid = m.headers.get("Geolocation")!.slice("<cid:".length, -1);
  expect(parts[1].headers.get("Content-ID")).toBe(`<${cid}>`);
  expect(new TextDecoder().decode(parts[1].body)).toContain("<gml:pos>52.520008 13.404954</gml:pos>");
});

test("a 180 to it copies the 3 Record-Routes and 3 Vias; a 100 gets no To tag and no Record-Route", () => {
  const m = invite();
  const ringing = createResponse(m, 180, undefined, "as81kd");
  expect(ringing.headers.getAll("Record-Route")).toEqual(m.headers.getAll("Record-Route"));
  expect(ringing.headers.getAll("Via")).toEqual(m.headers.getAll("Via"));
  expect(ringing.to.params.get("tag")).toBe("as81kd");
  const trying = createResponse(m, 100, undefined, "as81kd");
  expect(trying.to.params.has("tag")).toBe(false);
  expect(trying.headers.has("Record-Route")).toBe(false);
});

test("serialize reproduces the fixture byte for byte (no normalisation of untouched messages)", () => {
  const m = invite();
  expect(Buffer.from(m.serialize()).equals(Buffer.from(raw))).toBe(true);
});
