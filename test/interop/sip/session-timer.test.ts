import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { SipTransportLayer } from "../../../src/sip/transport/index.ts";
import { TransactionLayer } from "../../../src/sip/transaction/index.ts";
import { SipUserAgent, type OutgoingCall } from "../../../src/sip/index.ts";
import { fastClock } from "../../support/fast-clock.ts";
import { SIPP, answerSdp, freePorts, startSipp, scenarioDir, waitFor, waitForPort, type SippResult } from "./sipp.ts";

/**
 * RFC 4028 against sipp. The user agent runs on a clock 10x faster than real time, so a 90 s session
 * (the RFC minimum) refreshes after 4.5 s and expires after 6 s; transactions keep real time.
 */
const clock = fastClock(10);

describe.skipIf(!SIPP)("session timers against sipp UAS", () => {
  let transport: SipTransportLayer;
  let transactions: TransactionLayer;
  let ua: SipUserAgent;
  const scen = scenarioDir();
  beforeAll(async () => {
    transport = new SipTransportLayer({ listen: ["udp:127.0.0.1:0"] });
    await transport.start();
    transactions = new TransactionLayer({ transport });
    ua = new SipUserAgent({ transactions, transport, clock, sessionTimer: { sessionExpires: 1800, minSE: 90 } });
  });
  afterAll(async () => { ua.close(); transactions.close(); await transport.close(); scen.cleanup(); });

  async function callTrunk(scenario: string): Promise<{ call: OutgoingCall; done: Promise<SippResult> }> {
    const base = await freePorts(6);
    const sipp = startSipp(scen.dir, ["-sf", scenario, "-i", "127.0.0.1", "-p", String(base), "-mi", "127.0.0.1", "-mp", String(base + 2), "-m", "1"]);
    await waitForPort(base, "udp");
    const call = ua.invite({ target: `sip:cc@127.0.0.1:${base}`, from: "<sip:caller@127.0.0.1>", sdp: answerSdp(40000, false) });
    return { call, done: sipp.done };
  }

  function expectOk(res: SippResult) {
    if (res.code !== 0) console.log(res.stdout, res.stderr, res.logs);
    expect(res.code).toBe(0);
  }

  test("INVITE offers Session-Expires; as refresher we refresh by UPDATE at half the interval", async () => {
    const { call, done } = await callTrunk("uas_timer_update.xml");
    await waitFor(call, "answered");
    expect(call.invite.headers.get("Session-Expires")).toBe("1800");
    expect(call.invite.headers.getAll("Supported")).toContain("timer");
    expect(call.sessionInterval).toBe(90);
    const t0 = Date.now();
    const [interval] = await waitFor(call, "session-refreshed", 10_000);
    expect(interval).toBe(90);
    expect(Date.now() - t0).toBeGreaterThan(4000);
    await call.bye();
    expectOk(await done);
  }, 30_000);

  test("without UPDATE in the peer's Allow the refresh is a re-INVITE with the last SDP", async () => {
    const { call, done } = await callTrunk("uas_timer_reinvite.xml");
    await waitFor(call, "answered");
    await waitFor(call, "session-refreshed", 10_000);
    await call.bye();
    expectOk(await done);
  }, 30_000);

  test("the peer is refresher and never refreshes: we BYE at SE - min(32, SE/3)", async () => {
    const { call, done } = await callTrunk("uas_timer_expiry.xml");
    await waitFor(call, "answered");
    const t0 = Date.now();
    const terminated = waitFor(call, "terminated", 10_000);
    await waitFor(call, "session-expired", 10_000);
    expect(Date.now() - t0).toBeGreaterThan(5500);   // 60 s / 10
    const [t] = await terminated;
    expect(t.reason).toBe("session-expired");
    expectOk(await done);
  }, 30_000);
});
