export { type Cidr, CidrError, cidrContains, ipToBigInt, parseCidr } from "./cidr.ts";
export { type RateLimitOptions, SourceRateLimiter } from "./rate-limiter.ts";
export { SourceGuard, type SourceGuardOptions, type TrunkSource } from "./source-guard.ts";
