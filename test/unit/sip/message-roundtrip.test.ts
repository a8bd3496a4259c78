/** Serializer round-trips: parse -> serialize -> parse yields equal values, for every valid fixture and built messages. */
import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import {
  formatNameAddr,
  formatUri,
  generateBranch,
  generateCallId,
  generateTag,
  parseMessage,
  parseUri,
  SipHeaders,
  SipMessage,
  SipRequest,
  SipResponse,
} from "../../../src/sip/message/index.ts";

const FIX = join(import.meta.dir, "../../fixtures/sip");

function validFixtures(): [string, Uint8Array][] {
  const out: [string, Uint8Array][] = [];
  for (const dir of ["rfc4475", "rfc5118"]) {
    const index = JSON.parse(readFileSync(join(FIX, dir, "index.json"), "utf8")).messages as Record<string, { expect: string }>;
    for (const [name, meta] of Object.entries(index)) {
      if (meta.expect === "valid" || meta.expect === "higher-layer") {
        out.push([`${dir}/${name}`, new Uint8Array(readFileSync(join(FIX, dir, `${name}.sip`)))]);
      }
    }
  }
  out.push(["volte-video-invite", new Uint8Array(readFileSync(join(FIX, "volte-video-invite.sip")))]);
  return out;
}

/** Everything a layer can observe, in comparable form. */
function view(m: SipMessage): unknown {
  const start = m instanceof SipRequest ? { method: m.method, uri: formatUri(m.uri) } : { status: (m as SipResponse).status, reason: (m as SipResponse).reason };
  return {
    start,
    headers: m.headers.entries().filter(([n]) => n !== "Content-Length"),
    body: [...m.body],
    callId: m.callId,
    cseq: m.cseq,
    from: formatNameAddr(m.from),
    to: formatNameAddr(m.to),
    vias: m.vias,
  };
}

describe("parse -> serialize -> parse", () => {
  for (const [name, raw] of validFixtures()) {
    test(name, () => {
      const first = parseMessage(raw);
      const wire = first.serialize();
      const second = parseMessage(wire);
      expect(view(second)).toEqual(view(first));
      expect(Number(second.headers.get("Content-Length"))).toBe(second.body.length);
      // serializing is idempotent once normalised
      expect(Buffer.from(second.serialize()).equals(Buffer.from(wire))).toBe(true);
    });
  }
});

describe("built messages", () => {
  test("a request built from parts serializes and parses back to the same values", () => {
    const body = new TextEncoder().encode("v=0\r\n");
    const h = new SipHeaders([
      ["Via", `SIP/2.0/UDP [2001:db8::1]:5060;branch=${generateBranch()};rport`],
      ["Max-Forwards", "70"],
      ["From", `"Zentrale, 110" <sip:110@police.example>;tag=${generateTag()}`],
      ["To", "<tel:+4930123>"],
      ["Call-ID", generateCallId("avsplit.example")],
      ["CSeq", "1 INVITE"],
      ["Content-Type", "application/sdp"],
      ["Content-Length", "999"],
    ]);
    const req = new SipRequest("INVITE", parseUri("sip:+4930123@sbc.example;user=phone"), h, body);
    const back = parseMessage(req.serialize()) as SipRequest;
    expect(back.method).toBe("INVITE");
    expect(back.uri).toEqual(req.uri);
    expect(back.from.displayName).toBe("Zentrale, 110");
    expect(back.headers.get("Content-Length")).toBe(String(body.length));
    expect(back.headers.entries().map(([n]) => n)).toEqual(h.entries().map(([n]) => n));
    expect(new TextDecoder().decode(back.body)).toBe("v=0\r\n");
  });

  test("Content-Length is added when absent and reflects a replaced body", () => {
    const m = parseMessage(new TextEncoder().encode(
      "SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP h;branch=z9hG4bKx\r\nTo: <sip:b@x>;tag=2\r\nFrom: <sip:a@x>;tag=1\r\nCall-ID: c\r\nCSeq: 2 BYE\r\n\r\n",
    ));
    expect(m.toString()).toEndWith("Content-Length: 0\r\n\r\n");
    m.body = new TextEncoder().encode("abc");
    expect(m.toString()).toEndWith("Content-Length: 3\r\n\r\nabc");
  });

  test("ids: tags, branches, Call-IDs are unique and well-formed", () => {
    const seen = new Set<string>();
    for (let i = 0; i < 5000; i++) {
      const t = generateTag();
      const b = generateBranch();
      expect(t).toMatch(/^[0-9A-Za-z]{10}$/);
      expect(b).toMatch(/^z9hG4bK[0-9A-Za-z]{16}$/);
      seen.add(t).add(b);
    }
    expect(seen.size).toBe(10000);
    expect(generateCallId("h.example")).toMatch(/^[0-9A-Za-z]{20}@h\.example$/);
  });
});
