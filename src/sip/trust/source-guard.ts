/**
 * Who may talk to us: out-of-dialog requests only from addresses a trunk allows (untrusted => drop or 403),
 * plus a per-source token bucket. In-dialog requests (To tag) and responses pass; see SIP-TX-API.md for how
 * the dialog layer treats those from untrusted sources.
 */
import type { SipRequest, SipResponse } from "../message/index.ts";
import type { FilterVerdict, InboundFilter } from "../transport/inbound-filter.ts";
import type { Endpoint } from "../transport/types.ts";
import type { Clock } from "../../util/clock.ts";
import { systemClock } from "../../util/clock.ts";
import { metrics } from "../../observability/metrics.ts";
import { type Cidr, cidrContains, parseCidr } from "./cidr.ts";
import { type RateLimitOptions, SourceRateLimiter } from "./rate-limiter.ts";

export interface TrunkSource { name: string; role: string; allow: string[] }

export interface SourceGuardOptions {
  trunks: TrunkSource[];
  untrustedSource: "drop" | "reject";
  /** null/absent = no rate limit. */
  rateLimit?: (RateLimitOptions & { applyToTrusted?: boolean }) | null;
  clock?: Clock;
}

const untrustedTotal = metrics.counter("sip_untrusted_total", "SIP requests from sources no trunk allows, by action");
const ratelimitedTotal = metrics.counter("sip_ratelimited_total", "SIP requests dropped by the per-source rate limit");

export class SourceGuard implements InboundFilter {
  private rules: { cidr: Cidr; trunk: TrunkSource }[] = [];
  private limiter: SourceRateLimiter | null | undefined;
  private opts!: SourceGuardOptions;

  constructor(opts: SourceGuardOptions) { this.update(opts); }

  /** Replace the settings (config reload). Throws CidrError on a bad allow entry, keeping the old settings. */
  update(patch: Partial<SourceGuardOptions>): void {
    const next = { ...this.opts, ...patch } as SourceGuardOptions;
    const rules = next.trunks.flatMap((trunk) => trunk.allow.map((a) => ({ cidr: parseCidr(a), trunk })));
    if (patch.rateLimit !== undefined || this.limiter === undefined) {
      this.limiter = next.rateLimit ? new SourceRateLimiter(next.rateLimit, next.clock ?? systemClock) : null;
    }
    this.opts = next;
    this.rules = rules;
  }

  /** The first trunk whose allow list contains host, or null. */
  trunkFor(host: string): TrunkSource | null {
    for (const r of this.rules) if (cidrContains(r.cidr, host)) return r.trunk;
    return null;
  }

  /** Per-source token bucket, taken for every packet before it is parsed (trusted sources exempt by default). */
  admit(remote: Endpoint): boolean {
    if (!this.limiter) return true;
    if (!this.opts.rateLimit?.applyToTrusted && this.trunkFor(remote.host) !== null) return true;
    if (this.limiter.allow(remote.host)) return true;
    ratelimitedTotal.inc();
    return false;
  }

  check(message: SipRequest | SipResponse, remote: Endpoint): FilterVerdict {
    if (this.trunkFor(remote.host) !== null) return { action: "pass", trusted: true };
    if (!("method" in message) || hasToTag(message)) return { action: "pass", trusted: false };
    if (this.opts.untrustedSource === "reject" && message.method !== "ACK") {
      untrustedTotal.inc({ action: "reject" });
      return { action: "reject", status: 403, reason: "Forbidden" };
    }
    untrustedTotal.inc({ action: "drop" });
    return { action: "drop", reason: "untrusted" };
  }
}

function hasToTag(req: SipRequest): boolean {
  try { return !!req.to.params.get("tag"); } catch { return false; }
}
