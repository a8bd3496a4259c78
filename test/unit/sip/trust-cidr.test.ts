import { describe, expect, test } from "bun:test";
import { cidrContains, CidrError, parseCidr } from "../../../src/sip/trust/index.ts";

describe("CIDR matching", () => {
  test.each([
    ["10.0.0.0/8", "10.200.3.4", true],
    ["10.0.0.0/8", "11.0.0.1", false],
    ["192.168.1.7", "192.168.1.7", true],
    ["192.168.1.7", "192.168.1.8", false],
    ["192.168.1.7/32", "192.168.1.7", true],
    ["172.16.0.0/12", "172.31.255.255", true],
    ["172.16.0.0/12", "172.32.0.0", false],
    ["0.0.0.0/0", "8.8.8.8", true],
    ["0.0.0.0/0", "::1", false],                          // an IPv4 rule never matches native IPv6
    ["2001:db8::/32", "2001:db8:ffff::1", true],
    ["2001:db8::/32", "2001:db9::1", false],
    ["2001:db8::10", "2001:0db8:0:0:0:0:0:10", true],
    ["[2001:db8::10]/128", "2001:db8::10", true],
    ["::/0", "fe80::1", true],
    ["::1/128", "::1", true],
    ["::ffff:10.0.0.0/104", "10.1.2.3", true],             // mapped form matches plain IPv4
    ["10.0.0.0/8", "::ffff:10.9.9.9", true],
    ["fe80::/10", "fe80::1%eth0", true],
    ["10.0.0.0/8", "not-an-ip", false],
    ["10.0.0.0/8", "10.0.0.256", false],
  ])("%s contains %s: %p", (cidr, host, expected) => {
    expect(cidrContains(parseCidr(cidr), host)).toBe(expected);
  });

  test.each(["10.0.0.0/33", "2001:db8::/129", "10.0.0/8", "example.com/24", "10.0.0.0/-1", "1.2.3.4/", "::g/64", ""])(
    "rejects %p", (bad) => expect(() => parseCidr(bad)).toThrow(CidrError),
  );

  test("host bits are masked off the network", () => {
    expect(cidrContains(parseCidr("10.1.2.3/8"), "10.250.0.1")).toBe(true);
  });
});
