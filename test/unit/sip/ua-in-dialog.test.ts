import { describe, expect, test } from "bun:test";
import type { IncomingCall, OutgoingCall, RemoteOffer, SipUserAgent, UserAgentOptions } from "../../../src/sip/index.ts";
import { MemoryNetwork, makeUa, SDP_A, SDP_B } from "./ua-support/memory-network.ts";

interface Pair { net: MemoryNetwork; a: SipUserAgent; b: SipUserAgent; incoming: IncomingCall[] }

function pair(aOpts: Partial<UserAgentOptions> = {}, bOpts: Partial<UserAgentOptions> = {}): Pair {
  const net = new MemoryNetwork();
  const a = makeUa(net, "A", "127.0.0.1", aOpts);
  const b = makeUa(net, "B", "127.0.0.2", bOpts);
  const incoming: IncomingCall[] = [];
  b.on("incoming", (c) => incoming.push(c));
  return { net, a, b, incoming };
}

async function establish(p: Pair): Promise<{ out: OutgoingCall; inc: IncomingCall }> {
  const out = p.a.invite({ target: "sip:b@127.0.0.2", from: "<sip:a@127.0.0.1>", sdp: SDP_A });
  await p.net.settle();
  const inc = p.incoming.at(-1)!;
  await inc.answer(SDP_B);
  await p.net.settle();
  return { out, inc };
}

const acceptAll = (sdp: string) => (o: RemoteOffer) => o.accept(sdp);

describe("re-INVITE and UPDATE", () => {
  test("re-INVITE: the peer's session layer answers, ACK follows, both SDPs recorded", async () => {
    const p = pair();
    const { out, inc } = await establish(p);
    const offers: string[] = [];
    inc.on("remote-offer", (o) => { offers.push(`${o.method}:${o.sdp === SDP_A.replace("4002", "0")}`); o.accept(SDP_B.replace("5002", "0")); });
    const res = await out.reinvite(SDP_A.replace("4002", "0"));
    expect(res.ok).toBe(true);
    expect(res.sdp).toContain("m=video 0 ");
    expect(offers).toEqual(["INVITE:true"]);
    await p.net.settle();
    expect(p.net.lines().slice(-3)).toEqual(["A>B INVITE", "B>A 200 INVITE", "A>B ACK"]);
  });

  test("glare: both re-INVITE at once, both get 491, the non-owner of the Call-ID retries first (0-2 s), then the owner (2.1-4 s)", async () => {
    const p = pair();
    const { out, inc } = await establish(p);
    out.on("remote-offer", acceptAll(SDP_A));
    inc.on("remote-offer", acceptAll(SDP_B));
    const done: string[] = [];
    const ra = out.reinvite(SDP_A).then((r) => { done.push(`a:${r.status}@${p.net.clock.now()}`); });
    const rb = inc.reinvite(SDP_B).then((r) => { done.push(`b:${r.status}@${p.net.clock.now()}`); });
    await p.net.settle();
    expect(p.net.lines((r) => r.line === "491 INVITE").sort()).toEqual(["A>B 491 INVITE", "B>A 491 INVITE"]);
    await p.net.advance(4100, 10);
    await Promise.all([ra, rb]);
    const at = (who: string) => Number(done.find((d) => d.startsWith(who))!.split("@")[1]);
    expect(done.map((d) => d.split("@")[0]).sort()).toEqual(["a:200", "b:200"]);
    expect(at("b:")).toBeLessThanOrEqual(2010);
    expect(at("a:")).toBeGreaterThanOrEqual(2100);
    expect(at("a:")).toBeLessThanOrEqual(4010);
  });

  test("offers cross: no new offer while the peer's is pending (local 491), and an UPDATE offer meeting ours gets 491", async () => {
    const p = pair({ decisionTimeoutMs: 60_000 }, { decisionTimeoutMs: 60_000 });
    const { out, inc } = await establish(p);
    let pending: RemoteOffer | null = null;
    inc.on("remote-offer", (o) => { pending = o; });
    const first = out.update(SDP_A);
    await p.net.settle();
    expect(pending).not.toBeNull();
    const local = await inc.update(SDP_B);
    expect(local.status).toBe(491);
    expect(p.net.lines((r) => r.from === "B" && r.line === "UPDATE")).toEqual([]);
    const raw = inc.dialog!.createRequest("UPDATE", { body: new TextEncoder().encode(SDP_B), contentType: "application/sdp" });
    p.b["transactions"].sendRequest(raw, inc.dialog!.nextHop());
    await p.net.settle();
    expect(p.net.lines((r) => r.line === "491 UPDATE")).toEqual(["A>B 491 UPDATE"]);
    pending!.accept(SDP_B);
    expect((await first).sdp).toBe(SDP_B);
  });

  test("an offer nobody answers is rejected by the guard (500 + Retry-After), the call survives", async () => {
    const p = pair({}, { decisionTimeoutMs: 1000 });
    const { out } = await establish(p);
    const r = out.update(SDP_A);
    await p.net.advance(1100);
    const res = await r;
    expect(res.status).toBe(500);
    expect(res.response!.headers.get("Retry-After")).toBe("1");
    expect(out.state).toBe("established");
  });

  test("a request with a lower CSeq than the last one gets 500", async () => {
    const p = pair();
    const { out } = await establish(p);
    const stale = out.dialog!.createRequest("INFO");
    await out.info("application/dtmf-relay", "Signal=1\r\n");
    p.a["transactions"].sendRequest(stale, out.dialog!.nextHop());
    await p.net.settle();
    expect(p.net.log.at(-1)!.line).toBe("500 INFO");
  });
});

describe("malformed input from the peer", () => {
  test("malformed RAck gets 481 and malformed Session-Expires counts as absent; the call survives", async () => {
    const p = pair();
    const { out, inc } = await establish(p);
    const update = out.dialog!.createRequest("UPDATE", { headers: [["Session-Expires", "soon;refresher=me"]] });
    p.a["transactions"].sendRequest(update, out.dialog!.nextHop());
    const prack = out.dialog!.createRequest("PRACK", { headers: [["RAck", "one two INVITE"]] });
    p.a["transactions"].sendRequest(prack, out.dialog!.nextHop());
    await p.net.settle();
    expect(p.net.lines((r) => r.from === "B").slice(-2)).toEqual(["B>A 200 UPDATE", "B>A 481 PRACK"]);
    expect(inc.state).toBe("established");
  });
});

describe("INFO, REFER", () => {
  test("INFO reaches the peer's session layer and is answered 200", async () => {
    const p = pair();
    const { out, inc } = await establish(p);
    const got: string[] = [];
    inc.on("info", (i) => got.push(`${i.contentType}|${new TextDecoder().decode(i.body)}`));
    const res = await out.info("application/media_control+xml", "<picture_fast_update/>");
    expect(res.status).toBe(200);
    expect(got).toEqual(["application/media_control+xml|<picture_fast_update/>"]);
  });

  test("REFER accepted with 202, progress reported by NOTIFYs in order (message/sipfrag)", async () => {
    const p = pair();
    const { out, inc } = await establish(p);
    const refer = out.dialog!.createRequest("REFER", { headers: [["Refer-To", "<sip:agent2@127.0.0.3>"]] });
    const referSeq = refer.cseq.seq;
    inc.on("refer", (r) => {
      expect(r.referTo).toBe("<sip:agent2@127.0.0.3>");
      const progress = r.accept()!;
      void progress.notify(200, "OK");
    });
    p.a["transactions"].sendRequest(refer, out.dialog!.nextHop());
    await p.net.settle();
    expect(p.net.lines((r) => r.line.includes("REFER") || r.line.includes("NOTIFY"))).toEqual([
      "A>B REFER", "B>A 202 REFER", "B>A NOTIFY", "A>B 481 NOTIFY", "B>A NOTIFY", "A>B 481 NOTIFY",
    ]);
    expect(inc.state).toBe("established");     // a 481 to NOTIFY ends the subscription only (RFC 5057)
    const notifies = p.net.log.filter((r) => r.line === "NOTIFY").map((r) => r.message);
    expect(notifies.map((n) => new TextDecoder().decode(n.body))).toEqual(["SIP/2.0 100 Trying\r\n", "SIP/2.0 200 OK\r\n"]);
    expect(notifies[0].headers.get("Event")).toBe(`refer;id=${referSeq}`);
    expect(notifies[1].headers.get("Subscription-State")).toBe("terminated;reason=noresource");
    expect(notifies[0].headers.get("Content-Type")).toBe("message/sipfrag;version=2.0");
  });
});

describe("100rel (RFC 3262) between two user agents", () => {
  test("reliable 183 with SDP is PRACKed automatically; the 200 waits for the PRACK", async () => {
    const p = pair();
    const out = p.a.invite({ target: "sip:b@127.0.0.2", from: "<sip:a@127.0.0.1>", sdp: SDP_A });
    await p.net.settle();
    const inc = p.incoming[0];
    const seen: string[] = [];
    out.on("progress", (pr) => seen.push(`progress ${pr.status} reliable=${pr.reliable}`));
    inc.on("prack", () => seen.push("prack"));
    expect(inc.progress(183, { reliable: true, sdp: SDP_B })).toBe(true);
    const answered = inc.answer(SDP_B).then((ok) => seen.push(`answer ${ok}`));
    await p.net.settle();
    await answered;
    await p.net.settle();
    expect(seen).toEqual(["progress 183 reliable=true", "prack", "answer true"]);
    expect(p.net.lines()).toEqual([
      "A>B INVITE", "B>A 183 INVITE", "A>B PRACK", "B>A 200 PRACK", "B>A 200 INVITE", "A>B ACK",
    ]);
    expect(p.net.log[1].message.headers.get("Require")).toBe("100rel");
  });

  test("no PRACK within 64*T1: retransmitted, then the INVITE is rejected with 5xx", async () => {
    const p = pair();
    p.net.drop = (m) => "method" in m && m.method === "PRACK";
    p.a.invite({ target: "sip:b@127.0.0.2", from: "<sip:a@127.0.0.1>", sdp: SDP_A });
    await p.net.settle();
    const inc = p.incoming[0];
    inc.progress(183, { reliable: true, sdp: SDP_B });
    await p.net.advance(32_500, 250);
    expect(p.net.lines((r) => r.line === "183 INVITE").length).toBeGreaterThan(5);
    expect(p.net.lines((r) => r.line === "504 INVITE")).toEqual(["B>A 504 INVITE"]);
    expect(inc.state).toBe("terminated");
  });
});
