/**
 * The call-center trunk named by host name, resolved by RFC 3263 against a real DNS server on loopback
 * (test/support/dns-responder.ts): `uri = "sip:110@cc.avsplit.test"` has no port, so the appliance asks for SRV
 * `_sip._udp.cc.avsplit.test`, then the targets' A records, and the sipp call center there answers the audio leg.
 * A first SRV target that never answers is given up after `[sip] hop_timeout_ms` (2 s, not Timer B's 32 s): the INVITE
 * goes to the next target and the call still connects. A name DNS does not know fails the call with 503.
 */
import { expect, test } from "bun:test";
import { startDnsResponder, type DnsZoneEntry } from "../../support/dns-responder.ts";
import { sessionRecord } from "../../support/session-record.ts";
import { splitScenario, startSplitHarness, type SplitHarnessOptions } from "../../support/split-harness.ts";
import { callThrough } from "../console/console-server.ts";
import { freePorts, scenarioDir, startSipp } from "../sip/sipp.ts";

const SRV = "_sip._udp.cc.avsplit.test";

/** An appliance whose call-center trunk is sip:110@cc.avsplit.test, resolved by a DNS responder serving `zone`. */
async function applianceWithDnsTrunk(zone: Record<string, DnsZoneEntry>, opts: SplitHarnessOptions = {}) {
  const dns = await startDnsResponder(zone);
  const h = await startSplitHarness({ ...opts, sipExtra: [`dns_servers = ["${dns.address}"]`], callCenterUri: "sip:110@cc.avsplit.test" });
  const scenarios = scenarioDir();
  return {
    h, dns, scenarios,
    async stop() {
      await h.stop();
      dns.close();
      scenarios.cleanup();
    },
  };
}

test("a call-center trunk given by host name: SRV then A lead the audio leg to the sipp call center", async () => {
  const cc = { port: await freePorts(1), mediaPort: await freePorts(4) };
  const box = await applianceWithDnsTrunk({
    [SRV]: { srv: [{ priority: 10, weight: 100, port: cc.port, target: "cc1.avsplit.test" }] },
    "cc1.avsplit.test": { a: ["127.0.0.1"] },
  });
  try {
    const sessionId = await callThrough(box.h, box.scenarios.dir, { cc });
    expect(box.dns.queries).toContain(`SRV ${SRV}`);
    expect(box.dns.queries).toContain("A cc1.avsplit.test");
    const { session, legs } = sessionRecord(box.h.dataDir, sessionId);
    expect(session).toMatchObject({ state: "ended", end_reason: "callcenter remote-bye", agent_id: "1001" });
    expect(legs.map((l) => l.kind).sort()).toEqual(["callcenter", "caller"]);
  } finally {
    await box.stop();
  }
}, 60_000);

test("the first SRV target never answers: after hop_timeout_ms the INVITE fails over to the second and the call connects", async () => {
  const cc = { port: await freePorts(1), mediaPort: await freePorts(4) };
  const deadPort = await freePorts(1);
  const deadReceived: string[] = [];
  // Bound, so no ICMP port-unreachable: the INVITE is simply never answered.
  const dead = await Bun.udpSocket({
    hostname: "127.0.0.1", port: deadPort,
    socket: { data: (_s, buf) => void deadReceived.push(new TextDecoder().decode(buf).split("\r\n")[0]!) },
  });
  const box = await applianceWithDnsTrunk({
    [SRV]: { srv: [
      { priority: 20, weight: 100, port: cc.port, target: "cc-live.avsplit.test" },
      { priority: 10, weight: 100, port: deadPort, target: "cc-dead.avsplit.test" },
    ] },
    "cc-dead.avsplit.test": { a: ["127.0.0.1"] },
    "cc-live.avsplit.test": { a: ["127.0.0.1"] },
  });
  try {
    const sessionId = await callThrough(box.h, box.scenarios.dir, { cc });
    // Sent at 0 s and retransmitted at 0.5 and 1.5 s (T1), then given up at 2 s.
    expect(deadReceived.length).toBeGreaterThanOrEqual(1);
    expect(deadReceived.length).toBeLessThanOrEqual(3);
    expect(new Set(deadReceived.map((line) => line.split(" ")[0]))).toEqual(new Set(["INVITE"]));
    const { session } = sessionRecord(box.h.dataDir, sessionId);
    expect(session).toMatchObject({ state: "ended", end_reason: "callcenter remote-bye", agent_id: "1001" });
  } finally {
    await box.stop();
    dead.close();
  }
}, 90_000);

test("a trunk host name DNS does not know: the caller gets 503 and the session says why", async () => {
  const box = await applianceWithDnsTrunk({});
  try {
    const ended = new Promise<{ sessionId: string; reason: string }>((resolve) => box.h.appliance.sessions!.on("event", (e) => {
      if (e.type === "session.ended") resolve({ sessionId: e.sessionId, reason: e.reason });
    }));
    const caller = startSipp(box.scenarios.dir, [
      "-sf", splitScenario(box.scenarios.dir, "uac_av_refused.xml", { STATUS: "503" }), "-s", "110", "-i", "127.0.0.1", "-p", String(box.h.callerPort),
      "-mi", "127.0.0.1", "-mp", String(box.h.callerMediaPort), `127.0.0.1:${box.h.sipPort}`, "-m", "1",
    ], 30);
    const result = await caller.done;
    expect(result.code, result.logs).toBe(0);
    const { reason } = await ended;
    expect(reason).toBe("call center answered 503 Service Unavailable (cannot resolve cc.avsplit.test: no SRV, A or AAAA records)");
    expect(box.dns.queries).toEqual(expect.arrayContaining([`SRV ${SRV}`, "A cc.avsplit.test", "AAAA cc.avsplit.test"]));
  } finally {
    await box.stop();
  }
}, 60_000);
