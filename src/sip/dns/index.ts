export { systemDnsLookup, type DnsLookup, type AddressRecord, type SrvRecord } from "./dns-lookup.ts";
export { orderSrv } from "./srv-order.ts";
export { SipResolver, UnresolvableHostError, type HostQuery, type SipResolverOptions } from "./sip-resolver.ts";
