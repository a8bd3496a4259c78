import { beforeEach, describe, expect, test } from "bun:test";
import { EventEmitter } from "node:events";
import { parseConfigText } from "../../src/config/load.ts";
import type { TrunkConfig } from "../../src/config/schema.ts";
import type { SipStack } from "../../src/sip/index.ts";
import { SourceGuard } from "../../src/sip/trust/index.ts";
import { TrunksInForce } from "../../src/trunks-in-force.ts";
import { TEST_CONFIG } from "./http/console-fixture.ts";

const trunksOf = (toml: string) => parseConfigText(toml, "avsplit.toml").config.trunk;

const PROVISIONED = trunksOf(TEST_CONFIG); // sbc (caller, 127.0.0.1) and cc (callcenter, OPTIONS every 30 s)

/** The console's trunks, as the store's TrunkDirectory announces them. */
class FakeConsole extends EventEmitter {
  trunks: TrunkConfig[] = [];
  consoleTrunks() { return this.trunks; }
  set(trunks: TrunkConfig[]) { this.trunks = trunks; this.emit("changed"); }
}

let ua: EventEmitter & { pings: string[]; closed: string[]; pingTrunk(o: { name: string; target: string; intervalS: number }): { close(): void } };
let guard: SourceGuard;
let consoleTrunks: FakeConsole;
let inForce: TrunksInForce;

beforeEach(() => {
  ua = Object.assign(new EventEmitter(), {
    pings: [] as string[],
    closed: [] as string[],
    pingTrunk(o: { name: string; target: string; intervalS: number }) {
      ua.pings.push(`${o.name} ${o.target} ${o.intervalS}`);
      return { close: () => ua.closed.push(o.name) };
    },
  });
  guard = new SourceGuard({ trunks: PROVISIONED, untrustedSource: "drop" });
  consoleTrunks = new FakeConsole();
  inForce = new TrunksInForce(PROVISIONED, { ua, guard, warmDns: async () => [] } as unknown as SipStack, consoleTrunks);
});

describe("trunks in force", () => {
  test("a callcenter trunk added in the console takes new calls; one whose OPTIONS fail yields to the next", () => {
    expect(inForce.callcenter()?.name).toBe("cc");
    consoleTrunks.set(trunksOf(`[[trunk]]\nname = "cc-new"\nrole = "callcenter"\nuri = "sip:110@10.0.0.9"\nallow = ["10.0.0.9"]\noptions_ping_s = 0\n`));
    expect(inForce.callcenter()?.name).toBe("cc-new");
    ua.emit("trunk-state", "cc-new", false, 408);
    expect(inForce.callcenter()?.name).toBe("cc");
    ua.emit("trunk-state", "cc", false, 503);
    expect(inForce.callcenter()?.name).toBe("cc-new"); // all failing: the preferred one
    ua.emit("trunk-state", "cc-new", true, 200);
    expect(inForce.callcenter()?.name).toBe("cc-new");
    consoleTrunks.set([]);
    expect(inForce.callcenter()?.name).toBe("cc");
  });

  test("console trunks' allow lists reach the SIP source guard; the config file's trunks keep precedence", () => {
    consoleTrunks.set(trunksOf(`[[trunk]]\nname = "sbc-2"\nrole = "caller"\nallow = ["192.0.2.0/24", "127.0.0.1"]\n`));
    expect(guard.trunkFor("192.0.2.77")?.name).toBe("sbc-2");
    expect(guard.trunkFor("127.0.0.1")?.name).toBe("sbc");
    consoleTrunks.set([]);
    expect(guard.trunkFor("192.0.2.77")).toBeNull();
  });

  test("OPTIONS pingers follow the console: started on add, restarted on a new target, stopped on removal", () => {
    const cc = (uri: string) => trunksOf(`[[trunk]]\nname = "cc-new"\nrole = "callcenter"\nuri = "${uri}"\noptions_ping_s = 15\n`);
    expect(ua.pings).toEqual(["cc sip:127.0.0.1:5070 30"]);
    consoleTrunks.set(cc("sip:110@10.0.0.9:5060"));
    consoleTrunks.set(cc("sip:110@10.0.0.9:5060"));
    expect(ua.pings).toEqual(["cc sip:127.0.0.1:5070 30", "cc-new sip:10.0.0.9:5060 15"]);
    consoleTrunks.set(cc("sip:110@10.0.0.10:5060"));
    expect(ua.closed).toEqual(["cc-new"]);
    expect(ua.pings.at(-1)).toBe("cc-new sip:10.0.0.10:5060 15");
    consoleTrunks.set([]);
    expect(ua.closed).toEqual(["cc-new", "cc-new"]);
    inForce.close();
    consoleTrunks.set(cc("sip:110@10.0.0.11:5060"));
    expect(ua.pings).toHaveLength(3);
  });
});
