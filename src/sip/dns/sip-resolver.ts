/**
 * RFC 3263 §4 (without NAPTR): the endpoints to try for a SIP URI's host, best first. An IP literal is used as is;
 * a host name with a port is looked up by A/AAAA; without a port, SRV (`_sip._udp`, `_sip._tcp` or `_sips._tcp` by
 * transport) then A/AAAA of each target, else A/AAAA of the host at the transport's default port.
 *
 * Answers are cached: A/AAAA for their TTL, SRV (node's API gives no SRV TTL) and "no such record" for `cacheMs`.
 * `resolve` answers synchronously from a fresh cache (the OPTIONS pinger and the trunk list resolve ahead); a call
 * whose answer has expired since (an A TTL shorter than the ping interval) waits for one lookup. When a lookup
 * fails, the last answer is served stale (RFC 8767) rather than failing calls while the DNS server is away.
 */
import { isIP } from "node:net";
import { systemClock, type Clock } from "../../util/clock.ts";
import { DEFAULT_PORT, type Endpoint, type TransportProtocol } from "../transport/types.ts";
import type { DnsLookup, SrvRecord } from "./dns-lookup.ts";
import { orderSrv } from "./srv-order.ts";

/** What RFC 3263 looks up: host without brackets, the URI's port (null = none written), the transport chosen. */
export interface HostQuery { host: string; port: number | null; transport: TransportProtocol }

export class UnresolvableHostError extends Error {
  override readonly name = "UnresolvableHostError";
  readonly code = "unresolvable-host";
}

export interface SipResolverOptions {
  lookup: DnsLookup;
  clock?: Clock;
  /** How long SRV answers and empty answers are kept (default 60 s). */
  cacheMs?: number;
  /** For RFC 2782 weighted ordering (tests pass a fixed sequence). */
  random?: () => number;
}

interface Cached<T> { value: T; expiresAt: number }

const SRV_SERVICE: Record<TransportProtocol, string> = { udp: "_sip._udp", tcp: "_sip._tcp", tls: "_sips._tcp" };
/** Names kept at most (trunks, plus host names in peers' Contact/Record-Route and REFER targets). */
const MAX_NAMES = 1000;

export class SipResolver {
  private readonly srv = new Map<string, Cached<SrvRecord[]>>();
  private readonly addresses = new Map<string, Cached<string[]>>();
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly lookup: DnsLookup;
  private readonly clock: Clock;
  private readonly cacheMs: number;
  private readonly random: () => number;

  constructor(opts: SipResolverOptions) {
    this.lookup = opts.lookup;
    this.clock = opts.clock ?? systemClock;
    this.cacheMs = opts.cacheMs ?? 60_000;
    this.random = opts.random ?? Math.random;
  }

  /** Endpoints to try, best first; synchronous for IP literals and fresh cached answers. Rejects with UnresolvableHostError. */
  resolve(q: HostQuery): Endpoint[] | Promise<Endpoint[]> {
    const fresh = this.fromCache(q, false);
    if (fresh?.length) return fresh;
    return this.refresh(q).then((failures) => {
      const endpoints = this.fromCache(q, true);
      if (endpoints?.length) return endpoints;
      throw new UnresolvableHostError(`cannot resolve ${q.host}: ${failures.join("; ") || "no SRV, A or AAAA records"}`);
    });
  }

  /** Looks up what `q` needs and is not cached fresh; resolves with the lookups that failed (never rejects). */
  private async refresh(q: HostQuery): Promise<string[]> {
    if (isIP(q.host)) return [];
    const failures: string[] = [];
    const noteFailure = (name: string) => (err: unknown) => { failures.push(`${name}: ${(err as { code?: string }).code ?? String(err)}`); };
    if (q.port === null) {
      const name = srvName(q);
      await this.fetch(`SRV ${name}`, this.srv, name, async () => {
        const records = await this.lookup.srv(name);
        return { value: records, expiresAt: this.clock.now() + this.cacheMs };
      }).catch(noteFailure(name));
      const records = this.srv.get(name)?.value ?? [];
      if (records.length > 0) {
        await Promise.all(usable(records).map((t) => this.fetchAddresses(t.name).catch(noteFailure(t.name))));
        return failures;
      }
    }
    await this.fetchAddresses(q.host).catch(noteFailure(q.host));
    return failures;
  }

  /** null when something is missing (or stale, unless allowed); a failed SRV lookup counts as "no SRV". */
  private fromCache(q: HostQuery, allowStale: boolean): Endpoint[] | null {
    const { transport } = q;
    if (isIP(q.host)) return [{ transport, host: q.host, port: q.port ?? DEFAULT_PORT[transport] }];
    const atPort = (host: string, port: number) => {
      const addresses = this.valid(this.addresses.get(host), allowStale);
      return addresses && addresses.map((address) => ({ transport, host: address, port }));
    };
    if (q.port !== null) return atPort(q.host, q.port);
    const srv = this.valid(this.srv.get(srvName(q)), allowStale);
    if (!srv && !allowStale) return null;
    if (!srv?.length) return atPort(q.host, DEFAULT_PORT[transport]);
    const endpoints: Endpoint[] = [];
    for (const t of orderSrv(usable(srv), this.random)) {
      const found = atPort(t.name, t.port);
      if (found) endpoints.push(...found);
      else if (!allowStale) return null;
    }
    return endpoints;
  }

  private valid<T>(entry: Cached<T> | undefined, allowStale: boolean): T | null {
    return entry && (allowStale || entry.expiresAt > this.clock.now()) ? entry.value : null;
  }

  /** A then AAAA (we usually listen on IPv4); cached for the smallest TTL, an empty answer for cacheMs. */
  private fetchAddresses(host: string): Promise<void> {
    return this.fetch(`A ${host}`, this.addresses, host, async () => {
      const [v4, v6] = await Promise.allSettled([this.lookup.a(host), this.lookup.aaaa(host)]);
      if (v4.status === "rejected" && v6.status === "rejected") throw v4.reason;
      const records = [v4, v6].flatMap((r) => (r.status === "fulfilled" ? r.value : []));
      const ttlMs = records.length > 0 ? Math.min(...records.map((r) => r.ttl)) * 1000 : this.cacheMs;
      return { value: records.map((r) => r.address), expiresAt: this.clock.now() + ttlMs };
    });
  }

  /** Runs `query` unless the entry is fresh or the same query is already running; a failure keeps the old entry. */
  private fetch<T>(key: string, cache: Map<string, Cached<T>>, name: string, query: () => Promise<Cached<T>>): Promise<void> {
    if (this.valid(cache.get(name), false)) return Promise.resolve();
    let running = this.inFlight.get(key);
    if (!running) {
      running = query().then((entry) => {
        cache.delete(name);
        cache.set(name, entry);
        if (cache.size > MAX_NAMES) cache.delete(cache.keys().next().value!);
      }).finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, running);
    }
    return running;
  }
}

function srvName(q: HostQuery): string {
  return `${SRV_SERVICE[q.transport]}.${q.host}`;
}

/** RFC 2782: a target of "." means the service is decidedly not offered there (no fallback to A/AAAA). */
function usable(records: SrvRecord[]): SrvRecord[] {
  return records.filter((r) => r.name !== "" && r.name !== ".");
}
