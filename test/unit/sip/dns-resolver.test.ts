import { describe, expect, test } from "bun:test";
import { orderSrv, SipResolver, UnresolvableHostError, type AddressRecord, type DnsLookup, type SrvRecord } from "../../../src/sip/dns/index.ts";
import { hopQuery, resolveUri } from "../../../src/sip/dialog/index.ts";
import { parseUri } from "../../../src/sip/message/index.ts";
import { bracketHost } from "../../../src/sip/transport/types.ts";
import { FakeClock } from "../../support/fake-clock.ts";

/** A zone in memory; counts queries; names in `failing` time out like a dead server. */
function fakeDns(zone: { srv?: Record<string, SrvRecord[]>; a?: Record<string, AddressRecord[]>; aaaa?: Record<string, AddressRecord[]> }) {
  const queries: string[] = [];
  const failing = new Set<string>();
  const answer = <T>(type: string, table: Record<string, T[]> | undefined, name: string): Promise<T[]> => {
    queries.push(`${type} ${name}`);
    if (failing.has(name)) return Promise.reject(Object.assign(new Error("timeout"), { code: "ETIMEOUT" }));
    return Promise.resolve(table?.[name] ?? []);
  };
  const lookup: DnsLookup = {
    srv: (name) => answer("SRV", zone.srv, name),
    a: (name) => answer("A", zone.a, name),
    aaaa: (name) => answer("AAAA", zone.aaaa, name),
  };
  return { lookup, queries, failing };
}

const srv = (name: string, port: number, priority: number, weight: number): SrvRecord => ({ name, port, priority, weight });
const a = (address: string, ttl = 300): AddressRecord => ({ address, ttl });
const query = (uri: string) => hopQuery(parseUri(uri));

const ZONE = {
  srv: { "_sip._udp.cc.test": [srv("b.cc.test", 5071, 20, 0), srv("a.cc.test", 5070, 10, 0)] },
  a: { "a.cc.test": [a("10.0.0.1", 120)], "b.cc.test": [a("10.0.0.2", 120)], "plain.test": [a("10.0.0.9", 30)] },
};

describe("RFC 2782 SRV ordering", () => {
  test("lower priority first, whatever the order of the answer", () => {
    const ordered = orderSrv([srv("c", 1, 30, 5), srv("a", 1, 10, 5), srv("b", 1, 20, 5)], () => 0.5);
    expect(ordered.map((r) => r.name)).toEqual(["a", "b", "c"]);
  });

  test("within a priority the weight decides who comes first: a 90/10 split is followed over many draws", () => {
    const records = [srv("light", 1, 10, 10), srv("heavy", 1, 10, 90)];
    let seed = 42;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    let heavyFirst = 0;
    for (let i = 0; i < 10_000; i++) if (orderSrv(records, random)[0].name === "heavy") heavyFirst++;
    expect(heavyFirst / 10_000).toBeGreaterThan(0.85);
    expect(heavyFirst / 10_000).toBeLessThan(0.95);
  });

  test("every record appears once, zero weights included", () => {
    const records = [srv("z", 1, 10, 0), srv("w", 1, 10, 60), srv("v", 1, 10, 40), srv("p", 1, 5, 0)];
    for (const r of [0, 0.3, 0.7, 0.999]) {
      const ordered = orderSrv(records, () => r);
      expect(ordered[0].name).toBe("p");
      expect(new Set(ordered.map((x) => x.name))).toEqual(new Set(["z", "w", "v", "p"]));
    }
  });
});

describe("RFC 3263 resolution", () => {
  test("no port: SRV targets by priority, each at its SRV port", async () => {
    const dns = fakeDns(ZONE);
    const resolver = new SipResolver({ lookup: dns.lookup, clock: new FakeClock() });
    expect(await resolver.resolve(query("sip:110@cc.test"))).toEqual([
      { transport: "udp", host: "10.0.0.1", port: 5070 },
      { transport: "udp", host: "10.0.0.2", port: 5071 },
    ]);
    expect(dns.queries).toContain("SRV _sip._udp.cc.test");
  });

  test("the SRV service follows the scheme and transport parameter", async () => {
    const dns = fakeDns({ a: { "cc.test": [a("10.0.0.5")] } });
    const resolver = new SipResolver({ lookup: dns.lookup, clock: new FakeClock() });
    expect(await resolver.resolve(query("sip:110@cc.test;transport=tcp"))).toEqual([{ transport: "tcp", host: "10.0.0.5", port: 5060 }]);
    expect(await resolver.resolve(query("sips:110@cc.test"))).toEqual([{ transport: "tls", host: "10.0.0.5", port: 5061 }]);
    expect(dns.queries.filter((q) => q.startsWith("SRV"))).toEqual(["SRV _sip._tcp.cc.test", "SRV _sips._tcp.cc.test"]);
  });

  test("an explicit port skips SRV: A/AAAA only", async () => {
    const dns = fakeDns(ZONE);
    const resolver = new SipResolver({ lookup: dns.lookup, clock: new FakeClock() });
    expect(await resolver.resolve(query("sip:110@plain.test:5090"))).toEqual([{ transport: "udp", host: "10.0.0.9", port: 5090 }]);
    expect(dns.queries.some((q) => q.startsWith("SRV"))).toBe(false);
  });

  test("no SRV records: A/AAAA of the host at the default port", async () => {
    const resolver = new SipResolver({ lookup: fakeDns(ZONE).lookup, clock: new FakeClock() });
    expect(await resolver.resolve(query("sip:plain.test"))).toEqual([{ transport: "udp", host: "10.0.0.9", port: 5060 }]);
  });

  test("IP literals and localhost need no DNS and answer synchronously", () => {
    const dns = fakeDns({});
    const resolver = new SipResolver({ lookup: dns.lookup, clock: new FakeClock() });
    expect(resolveUri(resolver, parseUri("sip:110@10.1.2.3"))).toEqual([{ transport: "udp", host: "10.1.2.3", port: 5060 }]);
    expect(resolveUri(resolver, parseUri("sip:110@[2001:db8::7]:5070;transport=tcp"))).toEqual([{ transport: "tcp", host: "2001:db8::7", port: 5070 }]);
    expect(resolveUri(resolver, parseUri("sip:localhost"))).toEqual([{ transport: "udp", host: "127.0.0.1", port: 5060 }]);
    expect(dns.queries).toEqual([]);
  });

  test("AAAA answers become endpoints without brackets (bracketed where written into SIP), after the A ones", async () => {
    const dns = fakeDns({ a: { "dual.test": [a("10.0.0.3")] }, aaaa: { "dual.test": [a("2001:db8::10")], "v6.test": [a("2001:db8::11")] } });
    const resolver = new SipResolver({ lookup: dns.lookup, clock: new FakeClock() });
    const dual = await resolver.resolve(query("sip:dual.test:5070"));
    expect(dual.map((e) => e.host)).toEqual(["10.0.0.3", "2001:db8::10"]);
    const [v6] = await resolver.resolve(query("sip:v6.test"));
    expect(v6).toEqual({ transport: "udp", host: "2001:db8::11", port: 5060 });
    expect(bracketHost(v6.host)).toBe("[2001:db8::11]");
  });

  test("a name with no records fails with UnresolvableHostError naming the host", async () => {
    const resolver = new SipResolver({ lookup: fakeDns({}).lookup, clock: new FakeClock() });
    const err = await Promise.resolve(resolver.resolve(query("sip:110@nowhere.test"))).catch((e) => e);
    expect(err).toBeInstanceOf(UnresolvableHostError);
    expect(err.message).toBe("cannot resolve nowhere.test: no SRV, A or AAAA records");
  });

  test("a DNS server that does not answer: the error says which lookup failed", async () => {
    const dns = fakeDns(ZONE);
    dns.failing.add("plain.test");
    const resolver = new SipResolver({ lookup: dns.lookup, clock: new FakeClock() });
    const err = await Promise.resolve(resolver.resolve(query("sip:plain.test:5060"))).catch((e) => e);
    expect(err).toBeInstanceOf(UnresolvableHostError);
    expect(err.message).toBe("cannot resolve plain.test: plain.test: ETIMEOUT");
  });

  test('an SRV target of "." (service not offered) does not fall back to A records', async () => {
    const dns = fakeDns({ srv: { "_sip._udp.closed.test": [srv(".", 0, 0, 0)] }, a: { "closed.test": [a("10.0.0.4")] } });
    const resolver = new SipResolver({ lookup: dns.lookup, clock: new FakeClock() });
    await expect(Promise.resolve(resolver.resolve(query("sip:closed.test")))).rejects.toBeInstanceOf(UnresolvableHostError);
  });

  test("unreachable SRV targets are skipped; the others remain", async () => {
    const dns = fakeDns(ZONE);
    dns.failing.add("a.cc.test");
    const resolver = new SipResolver({ lookup: dns.lookup, clock: new FakeClock() });
    expect(await resolver.resolve(query("sip:cc.test"))).toEqual([{ transport: "udp", host: "10.0.0.2", port: 5071 }]);
  });
});

describe("caching", () => {
  test("once warmed, answers are synchronous until the smallest TTL runs out, then looked up again", async () => {
    const clock = new FakeClock();
    const dns = fakeDns(ZONE);
    const resolver = new SipResolver({ lookup: dns.lookup, clock });
    expect(await resolver.resolve(query("sip:cc.test"))).toHaveLength(2);
    const asked = dns.queries.length;
    clock.advance(59_000);
    const warm = resolver.resolve(query("sip:cc.test"));
    expect(Array.isArray(warm)).toBe(true);
    expect(dns.queries.length).toBe(asked);
    clock.advance(2000); // SRV kept 60 s (no TTL in node's API), A records 120 s
    const cold = resolver.resolve(query("sip:cc.test"));
    expect(cold).toBeInstanceOf(Promise);
    expect((await cold).length).toBe(2);
    expect(dns.queries.slice(asked)).toEqual(["SRV _sip._udp.cc.test"]);
  });

  test("A records follow their TTL", async () => {
    const clock = new FakeClock();
    const dns = fakeDns(ZONE);
    const resolver = new SipResolver({ lookup: dns.lookup, clock });
    await resolver.resolve(query("sip:plain.test:5060"));
    clock.advance(29_999);
    expect(Array.isArray(resolver.resolve(query("sip:plain.test:5060")))).toBe(true);
    clock.advance(1);
    expect(resolver.resolve(query("sip:plain.test:5060"))).toBeInstanceOf(Promise);
  });

  test("concurrent resolutions of one name share the lookups", async () => {
    const dns = fakeDns(ZONE);
    const resolver = new SipResolver({ lookup: dns.lookup, clock: new FakeClock() });
    await Promise.all([resolver.resolve(query("sip:cc.test")), resolver.resolve(query("sip:cc.test"))]);
    expect(dns.queries.filter((q) => q === "SRV _sip._udp.cc.test")).toHaveLength(1);
    expect(dns.queries.filter((q) => q === "A a.cc.test")).toHaveLength(1);
  });

  test("when DNS goes away after the TTL, the last answer is served (stale) instead of failing calls", async () => {
    const clock = new FakeClock();
    const dns = fakeDns(ZONE);
    const resolver = new SipResolver({ lookup: dns.lookup, clock });
    await resolver.resolve(query("sip:plain.test"));
    clock.advance(3_600_000);
    dns.failing.add("plain.test").add("_sip._udp.plain.test");
    expect(await resolver.resolve(query("sip:plain.test"))).toEqual([{ transport: "udp", host: "10.0.0.9", port: 5060 }]);
  });
});
