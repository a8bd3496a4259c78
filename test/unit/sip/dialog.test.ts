import { describe, expect, test } from "bun:test";
import { parseMessage, type SipRequest, type SipResponse } from "../../../src/sip/message/index.ts";
import { Dialog, uriToEndpoint, UnroutableUriError } from "../../../src/sip/dialog/index.ts";
import { parseUri } from "../../../src/sip/message/index.ts";

const enc = (s: string) => new TextEncoder().encode(s.split("\n").join("\r\n"));

const INVITE = parseMessage(enc(`INVITE sip:bob@192.0.2.5 SIP/2.0
Via: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKa
Max-Forwards: 70
From: "A" <sip:alice@127.0.0.1>;tag=ftag
To: <sip:bob@192.0.2.5>
Call-ID: call-1
CSeq: 10 INVITE
Contact: <sip:alice@127.0.0.1:5060>
Record-Route: <sip:p1.example;lr>, <sip:127.0.0.9:5070;lr>
Authorization: Digest username="u", realm="r", nonce="n", uri="sip:bob@192.0.2.5", response="x"
Content-Length: 0

`)) as SipRequest;

function response(status: number, extra = ""): SipResponse {
  return parseMessage(enc(`SIP/2.0 ${status} X
Via: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKa
From: "A" <sip:alice@127.0.0.1>;tag=ftag
To: <sip:bob@192.0.2.5>;tag=ttag
Call-ID: call-1
CSeq: 10 INVITE
Contact: <sip:bob@127.0.0.2:5080;transport=tcp>
Record-Route: <sip:127.0.0.9:5070;lr>, <sip:p1.example;lr>
${extra}Content-Length: 0

`)) as SipResponse;
}

describe("UAC dialog (RFC 3261 §12.1.2)", () => {
  test("route set is the reversed Record-Route, remote target the Contact, CSeq continues from the INVITE", () => {
    const d = Dialog.fromUacResponse(INVITE, response(200), "<sip:me@127.0.0.1>", "udp");
    expect(d.state).toBe("confirmed");
    expect(d.routeSet).toEqual(["<sip:p1.example;lr>", "<sip:127.0.0.9:5070;lr>"]);
    expect(d.key).toBe("call-1\nftag\nttag");
    const bye = d.createRequest("BYE");
    expect(bye.cseq).toEqual({ seq: 11, method: "BYE" });
    expect(bye.headers.getAll("Route")).toEqual(["<sip:p1.example;lr>", "<sip:127.0.0.9:5070;lr>"]);
    expect(bye.uri.host).toBe("127.0.0.2");
    expect(bye.headers.get("To")).toBe("<sip:bob@192.0.2.5>;tag=ttag");
    expect(bye.headers.has("Contact")).toBe(false);
    expect(d.createRequest("UPDATE").headers.get("Contact")).toBe("<sip:me@127.0.0.1>");
  });

  test("ACK for a 2xx keeps the INVITE's CSeq number and credentials and consumes no CSeq", () => {
    const d = Dialog.fromUacResponse(INVITE, response(200), "<sip:me@127.0.0.1>", "udp");
    const ack = d.createAck(INVITE);
    expect(ack.cseq).toEqual({ seq: 10, method: "ACK" });
    expect(ack.headers.get("Authorization")).toContain('username="u"');
    expect(d.createRequest("INFO").cseq.seq).toBe(11);
  });

  test("next hop: the top Route when there is one, else the remote target (its transport param wins)", () => {
    const routed = Dialog.fromUacResponse(INVITE, response(200), "<sip:me@127.0.0.1>", "udp");
    routed.routeSet = ["<sip:127.0.0.9:5070;lr>"];
    expect(routed.nextHop()).toEqual({ transport: "udp", host: "127.0.0.9", port: 5070 });
    routed.routeSet = [];
    expect(routed.nextHop()).toEqual({ transport: "tcp", host: "127.0.0.2", port: 5080 });
  });

  test("a strict router becomes the Request-URI and the remote target goes last in Route", () => {
    const d = Dialog.fromUacResponse(INVITE, response(200), "<sip:me@127.0.0.1>", "udp");
    d.routeSet = ["<sip:127.0.0.9:5070>", "<sip:p2.example;lr>"];
    const req = d.createRequest("BYE");
    expect(req.uri.host).toBe("127.0.0.9");
    expect(req.headers.getAll("Route")).toEqual(["<sip:p2.example;lr>", "<sip:bob@127.0.0.2:5080;transport=tcp>"]);
  });

  test("early dialog from a provisional is confirmed by the 2xx with a recomputed route set", () => {
    const early = Dialog.fromUacResponse(INVITE, response(183), "<sip:me@127.0.0.1>", "udp");
    expect(early.state).toBe("early");
    const ok = response(200);
    ok.headers.set("Record-Route", "<sip:127.0.0.7;lr>");
    early.confirmFromResponse(ok);
    expect(early.state).toBe("confirmed");
    expect(early.routeSet).toEqual(["<sip:127.0.0.7;lr>"]);
  });
});

describe("UAS dialog (RFC 3261 §12.1.1, §12.2.2)", () => {
  test("route set in Record-Route order, our tag in To, remote CSeq checked", () => {
    const d = Dialog.fromUasRequest(INVITE, "ours", "<sip:me@127.0.0.2>", "udp");
    expect(d.routeSet).toEqual(["<sip:p1.example;lr>", "<sip:127.0.0.9:5070;lr>"]);
    expect(d.localAddress).toBe("<sip:bob@192.0.2.5>;tag=ours");
    expect(d.remoteTarget.host).toBe("127.0.0.1");
    const bye = d.createRequest("BYE");
    expect(bye.headers.get("From")).toBe("<sip:bob@192.0.2.5>;tag=ours");
    expect(bye.headers.get("To")).toBe('"A" <sip:alice@127.0.0.1>;tag=ftag');
    const withCseq = (seq: number) => {
      const req = parseMessage(INVITE.serialize()) as SipRequest;
      req.headers.set("CSeq", `${seq} INVITE`);
      return req;
    };
    expect(d.acceptRemoteCseq(withCseq(9))).toBe(false);
    expect(d.acceptRemoteCseq(withCseq(11))).toBe(true);
    expect(d.acceptRemoteCseq(withCseq(10))).toBe(false);
  });
});

describe("uriToEndpoint", () => {
  test("IP literals with defaults per transport; hostnames and tel: are unroutable", () => {
    expect(uriToEndpoint(parseUri("sip:a@[::1]:5090;transport=TCP"))).toEqual({ transport: "tcp", host: "::1", port: 5090 });
    expect(uriToEndpoint(parseUri("sips:a@127.0.0.1"))).toEqual({ transport: "tls", host: "127.0.0.1", port: 5061 });
    expect(uriToEndpoint(parseUri("sip:localhost"))).toEqual({ transport: "udp", host: "127.0.0.1", port: 5060 });
    expect(() => uriToEndpoint(parseUri("sip:trunk.example.com"))).toThrow(UnroutableUriError);
    expect(() => uriToEndpoint(parseUri("tel:+4930123"))).toThrow(UnroutableUriError);
  });
});
