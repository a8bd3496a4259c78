/** createResponse per RFC 3261 §8.2.6 and §12.1.1. */
import { describe, expect, test } from "bun:test";
import { createResponse, parseMessage, reasonPhrase, SipRequest } from "../../../src/sip/message/index.ts";

const enc = (s: string) => new TextEncoder().encode(s.replace(/\n/g, "\r\n"));
function request(method: string, extra = ""): SipRequest {
  return parseMessage(enc(`${method} sip:bob@example.com SIP/2.0
Via: SIP/2.0/UDP proxy.example;branch=z9hG4bKp1
Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKa1;received=192.0.2.99
Record-Route: <sip:proxy.example;lr>
Record-Route: <sip:edge.example;lr>
Max-Forwards: 69
To: Bob <sip:bob@example.com>
From: Alice <sip:alice@example.com>;tag=1928301774
Call-ID: a84b4c76e66710
CSeq: 314159 ${method}
Timestamp: 54
Contact: <sip:alice@192.0.2.1>
${extra}Content-Type: application/sdp
Content-Length: 4

v=0
`)) as SipRequest;
}

describe("createResponse", () => {
  test("copies Vias in order, From, To, Call-ID, CSeq; no body, Contact or Content-Type", () => {
    const r = createResponse(request("INVITE"), 486);
    expect(r.status).toBe(486);
    expect(r.reason).toBe("Busy Here");
    expect(r.headers.getAll("Via")).toEqual(["SIP/2.0/UDP proxy.example;branch=z9hG4bKp1", "SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKa1;received=192.0.2.99"]);
    expect(r.headers.get("From")).toBe("Alice <sip:alice@example.com>;tag=1928301774");
    expect(r.headers.get("Call-ID")).toBe("a84b4c76e66710");
    expect(r.headers.get("CSeq")).toBe("314159 INVITE");
    expect(r.headers.has("Contact")).toBe(false);
    expect(r.headers.has("Content-Type")).toBe(false);
    expect(r.body.length).toBe(0);
  });

  test("To tag: added when asked, never on 100, never replacing an existing tag", () => {
    expect(createResponse(request("INVITE"), 180, undefined, "t1").to.params.get("tag")).toBe("t1");
    expect(createResponse(request("INVITE"), 100, undefined, "t1").to.params.has("tag")).toBe(false);
    const inDialog = request("INVITE").headers.clone();
    inDialog.set("To", "Bob <sip:bob@example.com>;tag=existing");
    const req = new SipRequest("INVITE", request("INVITE").uri, inDialog);
    expect(createResponse(req, 200, undefined, "new").to.params.get("tag")).toBe("existing");
  });

  test("100 Trying echoes Timestamp and carries no Record-Route", () => {
    const r = createResponse(request("INVITE"), 100);
    expect(r.headers.get("Timestamp")).toBe("54");
    expect(r.headers.has("Record-Route")).toBe(false);
    expect(createResponse(request("INVITE"), 180).headers.has("Timestamp")).toBe(false);
  });

  test("Record-Route only in 101-299 to dialog-creating requests", () => {
    expect(createResponse(request("INVITE"), 180).headers.getAll("Record-Route")).toEqual(["<sip:proxy.example;lr>", "<sip:edge.example;lr>"]);
    expect(createResponse(request("INVITE"), 200).headers.count("Record-Route")).toBe(2);
    expect(createResponse(request("SUBSCRIBE"), 200).headers.count("Record-Route")).toBe(2);
    expect(createResponse(request("INVITE"), 486).headers.has("Record-Route")).toBe(false);
    expect(createResponse(request("BYE"), 200).headers.has("Record-Route")).toBe(false);
    expect(createResponse(request("OPTIONS"), 200).headers.has("Record-Route")).toBe(false);
  });

  test("serialized response parses and carries Content-Length: 0", () => {
    const r = createResponse(request("INVITE"), 603);
    const back = parseMessage(r.serialize());
    expect(back.headers.get("Content-Length")).toBe("0");
    expect(back.cseq).toEqual({ seq: 314159, method: "INVITE" });
  });

  test("reason phrases", () => {
    expect(reasonPhrase(491)).toBe("Request Pending");
    expect(reasonPhrase(422)).toBe("Session Interval Too Small");
    expect(reasonPhrase(499)).toBe("Bad Request");
    expect(reasonPhrase(299)).toBe("OK");
  });
});
