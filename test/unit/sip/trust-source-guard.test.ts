import { afterEach, describe, expect, test } from "bun:test";
import { SourceGuard, SourceRateLimiter, type SourceGuardOptions } from "../../../src/sip/trust/index.ts";
import { parseMessage, type SipRequest, type SipResponse } from "../../../src/sip/message/index.ts";
import { SipTransportLayer } from "../../../src/sip/transport/index.ts";
import { SipTrace } from "../../../src/sip/trace.ts";
import { metrics } from "../../../src/observability/metrics.ts";
import { FakeClock } from "../../support/fake-clock.ts";
import { requestText, responseText } from "./helpers/fake-transport.ts";
import { messagesOf, udpPeer } from "./helpers/net.ts";

const parse = (t: string) => parseMessage(new TextEncoder().encode(t));
const from = (host: string) => ({ transport: "udp" as const, host, port: 5060 });
const trunks = [
  { name: "sbc", role: "carrier", allow: ["10.1.0.0/16", "2001:db8:1::/48"] },
  { name: "callcenter", role: "callcenter", allow: ["192.0.2.10"] },
];
const guard = (extra: Partial<SourceGuardOptions> = {}) => new SourceGuard({ trunks, untrustedSource: "drop", ...extra });

describe("source check", () => {
  test("finds the trunk by IPv4 and IPv6 CIDR", () => {
    const g = guard();
    expect(g.trunkFor("10.1.44.5")?.name).toBe("sbc");
    expect(g.trunkFor("2001:db8:1:2::9")?.name).toBe("sbc");
    expect(g.trunkFor("192.0.2.10")?.name).toBe("callcenter");
    expect(g.trunkFor("192.0.2.11")).toBeNull();
  });

  test.each(["INVITE", "MESSAGE", "SUBSCRIBE", "REFER", "OPTIONS", "REGISTER", "CANCEL"])(
    "%s from an untrusted source: drop by default, 403 with reject", (method) => {
      const req = parse(requestText(method));
      expect(guard().check(req, from("203.0.113.5"))).toEqual({ action: "drop", reason: "untrusted" });
      expect(guard({ untrustedSource: "reject" }).check(req, from("203.0.113.5")))
        .toEqual({ action: "reject", status: 403, reason: "Forbidden" });
      expect(guard({ untrustedSource: "reject" }).check(req, from("10.1.0.1"))).toEqual({ action: "pass", trusted: true });
    });

  test("an untrusted ACK is never answered, only dropped", () => {
    expect(guard({ untrustedSource: "reject" }).check(parse(requestText("ACK")), from("203.0.113.5")).action).toBe("drop");
  });

  test("in-dialog requests (To tag) and responses pass: the dialog layer decides", () => {
    const g = guard({ untrustedSource: "reject" });
    const bye = parse(requestText("BYE", { toTag: "x" }));
    expect(g.check(bye, from("203.0.113.5"))).toEqual({ action: "pass", trusted: false });
    const res = parse(responseText(parse(requestText("INVITE")) as SipRequest, 200, "OK", "t")) as SipResponse;
    expect(g.check(res, from("203.0.113.5"))).toEqual({ action: "pass", trusted: false });
  });

  test("update() swaps the allow lists (config reload) and rejects a bad CIDR without changing anything", () => {
    const g = guard();
    g.update({ trunks: [{ name: "new", role: "carrier", allow: ["203.0.113.0/24"] }] });
    expect(g.trunkFor("203.0.113.5")?.name).toBe("new");
    expect(() => g.update({ trunks: [{ name: "bad", role: "x", allow: ["300.1.1.1/8"] }] })).toThrow();
    expect(g.trunkFor("203.0.113.5")?.name).toBe("new");
  });
});

describe("per-source rate limit (token bucket)", () => {
  test("allows a burst, then the sustained rate, per source", () => {
    const clock = new FakeClock();
    const rl = new SourceRateLimiter({ rate: 10, burst: 5 }, clock);
    const burst = Array.from({ length: 8 }, () => rl.allow("a"));
    expect(burst).toEqual([true, true, true, true, true, false, false, false]);
    expect(rl.allow("b")).toBe(true);                 // other sources are independent
    clock.advance(100);                               // 10/s => one token per 100 ms
    expect(rl.allow("a")).toBe(true);
    expect(rl.allow("a")).toBe(false);
    clock.advance(10_000);                            // refills up to the burst only
    expect(Array.from({ length: 6 }, () => rl.allow("a")).filter(Boolean)).toHaveLength(5);
  });

  test("the per-source table stays within maxSources", () => {
    const rl = new SourceRateLimiter({ rate: 1, burst: 1, maxSources: 100 }, new FakeClock());
    for (let i = 0; i < 10_000; i++) rl.allow(`10.0.${i >> 8}.${i & 255}`);
    expect(rl.size).toBe(100);
  });

  test("admit() rate-limits untrusted sources before parsing and counts it; trusted ones are exempt by default", () => {
    const clock = new FakeClock();
    const counter = metrics.counter("sip_ratelimited_total", "");
    const before = counter.get();
    const g = guard({ untrustedSource: "reject", rateLimit: { rate: 1, burst: 2 }, clock });
    expect(Array.from({ length: 4 }, () => g.admit(from("203.0.113.9")))).toEqual([true, true, false, false]);
    expect(counter.get()).toBe(before + 2);
    expect(Array.from({ length: 50 }, () => g.admit(from("10.1.0.1"))).every(Boolean)).toBe(true);
    clock.advance(1000);
    expect(g.admit(from("203.0.113.9"))).toBe(true);
    const strict = guard({ rateLimit: { rate: 1, burst: 2, applyToTrusted: true }, clock });
    expect(Array.from({ length: 3 }, () => strict.admit(from("10.1.0.1")))).toEqual([true, true, false]);
    expect(guard().admit(from("203.0.113.9"))).toBe(true);          // no rate limit configured
  });
});

describe("guard in the transport layer", () => {
  let layer: SipTransportLayer | undefined;
  afterEach(async () => { await layer?.close(); });

  test("reject policy answers 403 to an untrusted INVITE; drop policy stays silent; trusted passes", async () => {
    const untrusted = metrics.counter("sip_untrusted_total", "");
    const dropsBefore = untrusted.get({ action: "drop" });
    const g = new SourceGuard({ trunks: [{ name: "local", role: "carrier", allow: ["127.0.0.2"] }], untrustedSource: "reject" });
    layer = new SipTransportLayer({ listen: ["udp:127.0.0.1:0"], filter: g });
    await layer.start();
    const port = layer.bound[0].port;
    const inbox = messagesOf(layer);
    const peer = await udpPeer();                     // sends from 127.0.0.1: not allowed
    await peer.send(requestText("INVITE", { via: "SIP/2.0/UDP 127.0.0.1:5999;branch=z9hG4bKu1;rport" }), port);
    expect(await peer.next()).toStartWith("SIP/2.0 403 Forbidden\r\n");
    expect(inbox.size).toBe(0);

    const broken = requestText("INVITE", { via: "SIP/2.0/UDP 127.0.0.1:5999;branch=z9hG4bKu0;rport" }).replace("CSeq: 1 INVITE", "CSeq: x INVITE");
    await peer.send(broken, port);                    // malformed: still 403 for a stranger, not a 400
    expect(await peer.next()).toStartWith("SIP/2.0 403 Forbidden\r\n");

    g.update({ untrustedSource: "drop" });
    await peer.send(broken, port);                    // and silence under "drop"
    await peer.send(requestText("INVITE", { via: "SIP/2.0/UDP 127.0.0.1:5999;branch=z9hG4bKu2;rport" }), port);
    const trustedPeer = await udpPeer("127.0.0.2");
    await trustedPeer.send(requestText("INVITE", { via: "SIP/2.0/UDP 127.0.0.2:5999;branch=z9hG4bKu3;rport" }), port);
    const { message, remote } = await inbox.next();   // the trusted one arrives; the dropped one never did
    expect(remote.host).toBe("127.0.0.2");
    expect((message as SipRequest).topVia.params.get("branch")).toBe("z9hG4bKu3");
    expect(untrusted.get({ action: "drop" })).toBe(dropsBefore + 2);
    expect(inbox.size).toBe(0);
    peer.close();
    trustedPeer.close();
  });
});

test("in the transport layer, a flooding source is cut off before parsing while others still get through", async () => {
  const g = new SourceGuard({ trunks: [], untrustedSource: "reject", rateLimit: { rate: 1, burst: 3 } });
  const layer = new SipTransportLayer({ listen: ["udp:127.0.0.1:0"], filter: g });
  await layer.start();
  const flooder = await udpPeer("127.0.0.3");
  const other = await udpPeer("127.0.0.4");
  const rejected403 = () => metrics.counter("sip_messages_rejected_total", "").get({ status: "403" });
  const notAdmitted = () => metrics.counter("sip_messages_dropped_total", "").get({ reason: "rate-limited" });
  const [rejectedBefore, droppedBefore] = [rejected403(), notAdmitted()];
  try {
    const port = layer.bound[0].port;
    for (let i = 0; i < 20; i++) await flooder.send(requestText("OPTIONS", { via: `SIP/2.0/UDP 127.0.0.3:1;branch=z9hG4bKf${i}` }), port);
    await other.send(requestText("OPTIONS", { via: "SIP/2.0/UDP 127.0.0.4:1;branch=z9hG4bKo" }), port);
    expect(await other.next()).toStartWith("SIP/2.0 403 Forbidden");   // processed after the whole flood
    expect(rejected403() - rejectedBefore).toBe(4);                   // the flooder's burst of 3 + the other one
    expect(notAdmitted() - droppedBefore).toBe(17);
    for (let i = 0; i < 3; i++) expect(await flooder.next()).toStartWith("SIP/2.0 403");
  } finally {
    flooder.close();
    other.close();
    await layer.close();
  }
});

test("stateless 403s to untrusted requests and untrusted in-dialog requests are not traced (a flood cannot evict real calls)", async () => {
  const trace = new SipTrace({ maxCalls: 5 });
  const g = new SourceGuard({ trunks: [{ name: "t", role: "carrier", allow: ["127.0.0.6"] }], untrustedSource: "reject" });
  const layer = new SipTransportLayer({ listen: ["udp:127.0.0.1:0"], filter: g, trace });
  await layer.start();
  const trusted = await udpPeer("127.0.0.6");
  const stranger = await udpPeer("127.0.0.5");
  try {
    const inbox = messagesOf(layer);
    await trusted.send(requestText("INVITE", { callId: "real@x", via: "SIP/2.0/UDP 127.0.0.6:1;branch=z9hG4bKreal" }), layer.bound[0].port);
    await inbox.next();
    for (let i = 0; i < 10; i++) {
      await stranger.send(requestText("INVITE", { callId: `spam${i}@x`, via: `SIP/2.0/UDP 127.0.0.5:1;branch=z9hG4bKs${i}` }), layer.bound[0].port);
    }
    for (let i = 0; i < 10; i++) expect(await stranger.next()).toStartWith("SIP/2.0 403");
    await stranger.send(requestText("BYE", { toTag: "x", callId: "spam-bye@x", via: "SIP/2.0/UDP 127.0.0.5:1;branch=z9hG4bKb" }), layer.bound[0].port);
    expect((await inbox.next()).remote.host).toBe("127.0.0.5");    // passed on to the dialog layer...
    expect(trace.callIds()).toEqual(["real@x"]);                     // ...but not traced
  } finally {
    trusted.close();
    stranger.close();
    await layer.close();
  }
});
