/** The DNS queries RFC 3263 needs, behind an interface so tests can answer them without a server. */
import { Resolver } from "node:dns/promises";

export interface AddressRecord { address: string; ttl: number }
export interface SrvRecord { name: string; port: number; priority: number; weight: number }

/** A name that does not exist or has no records of the type answers []; other failures (timeout, SERVFAIL) reject. */
export interface DnsLookup {
  srv(name: string): Promise<SrvRecord[]>;
  a(name: string): Promise<AddressRecord[]>;
  aaaa(name: string): Promise<AddressRecord[]>;
}

const NO_RECORDS = new Set(["ENOTFOUND", "ENODATA"]);

async function orEmpty<T>(query: Promise<T[]>): Promise<T[]> {
  try { return await query; } catch (err) {
    if (NO_RECORDS.has((err as { code?: string }).code ?? "")) return [];
    throw err;
  }
}

/**
 * node:dns/promises (also under Bun): the system's resolvers, or `servers` ("10.0.0.53", "10.0.0.53:5353", "[::1]:53").
 * 2 s per try, 2 tries: a dead DNS server must not hold a call for long (answers are cached, see SipResolver).
 */
export function systemDnsLookup(servers: string[] = []): DnsLookup {
  const resolver = new Resolver({ timeout: 2000, tries: 2 });
  if (servers.length > 0) resolver.setServers(servers);
  return {
    srv: (name) => orEmpty(resolver.resolveSrv(name)),
    a: (name) => orEmpty(resolver.resolve4(name, { ttl: true })),
    aaaa: (name) => orEmpty(resolver.resolve6(name, { ttl: true })),
  };
}
