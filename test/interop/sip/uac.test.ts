import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { SipStack, OutgoingCall } from "../../../src/sip/index.ts";
import { SIPP, answerSdp, freePorts, lostCount, startSipp, scenarioDir, startStack, waitFor, waitForPort, type SippResult } from "./sipp.ts";

/** avsplit places the call; sipp plays the trunk (UAS). */
describe.skipIf(!SIPP)("avsplit as UAC against sipp UAS", () => {
  let stack: SipStack;
  const scen = scenarioDir();
  beforeAll(async () => { stack = await startStack(); });
  afterAll(async () => { await stack.close(); scen.cleanup(); });

  async function trunk(scenario: string, extra: string[] = [], transport: "udp" | "tcp" = "udp") {
    const base = await freePorts(6);
    const args = ["-sf", scenario, "-i", "127.0.0.1", "-p", String(base), "-mi", "127.0.0.1", "-mp", String(base + 2), "-m", "1", ...extra];
    if (transport === "tcp") args.push("-t", "t1");
    const sipp = startSipp(scen.dir, args);
    await waitForPort(base, transport);
    return { port: base, done: sipp.done, target: `sip:callcenter@127.0.0.1:${base}${transport === "tcp" ? ";transport=tcp" : ""}` };
  }

  function call(target: string, extra: Partial<Parameters<SipStack["ua"]["invite"]>[0]> = {}): OutgoingCall {
    return stack.ua.invite({ target, from: "\"Caller\" <sip:+4930111@127.0.0.1>", sdp: answerSdp(40000, true), ...extra });
  }

  function expectOk(res: SippResult) {
    if (res.code !== 0) console.log(res.stdout, res.stderr, res.logs);
    expect(res.code).toBe(0);
  }

  test("uas_av: 180 then 200 with SDP, ACK, BYE from avsplit", async () => {
    const t = await trunk("uas_av.xml");
    const c = call(t.target);
    const statuses: number[] = [];
    c.on("progress", (p) => statuses.push(p.status));
    const [answered] = await waitFor(c, "answered");
    expect(answered.sdp).toContain("m=video");
    expect(statuses).toEqual([180]);
    await c.bye();
    expectOk(await t.done);
  });

  test("TCP (-t t1): the whole call over one connection", async () => {
    const t = await trunk("uas_av.xml", [], "tcp");
    const c = call(t.target);
    await waitFor(c, "answered");
    expect(c.dialog!.nextHop().transport).toBe("tcp");
    await c.bye();
    expectOk(await t.done);
  });

  test("re-INVITE removing and re-adding video, answered by the trunk", async () => {
    const t = await trunk("uas_av.xml");
    const c = call(t.target);
    await waitFor(c, "answered");
    const off = await c.reinvite(answerSdp(40000, true, 0));
    expect(off.ok).toBe(true);
    expect(off.sdp).toContain("m=video 0 ");
    const on = await c.reinvite(answerSdp(40000, true));
    expect(on.ok).toBe(true);
    expect(on.sdp).not.toContain("m=video 0 ");
    await c.bye();
    expectOk(await t.done);
  });

  test("uas_av_prack: reliable 183 and 180 are PRACKed automatically", async () => {
    const t = await trunk("uas_av_prack.xml");
    const c = call(t.target);
    const seen: string[] = [];
    c.on("progress", (p) => seen.push(`${p.status}${p.reliable ? "r" : ""}${p.sdp ? "+sdp" : ""}`));
    await waitFor(c, "answered");
    expect(seen).toEqual(["183r+sdp", "180r"]);
    await c.bye();
    expectOk(await t.done);
  });

  test("a trunk that answers 401: the retried INVITE carries a valid digest", async () => {
    const t = await trunk("uas_auth.xml");
    const c = call(t.target, { credentials: { username: "avsplit", password: "s3cret" } });
    const [answered] = await waitFor(c, "answered");
    expect(answered.status).toBe(200);
    expect(c.invite.headers.get("Authorization")).toContain('realm="trunk.test"');
    expect(c.invite.cseq.seq).toBe(2);
    await c.bye();
    expectOk(await t.done);
  });

  test("wrong credentials: the call fails with the trunk's final status", async () => {
    const t = await trunk("uas_auth.xml");
    const c = call(t.target, { credentials: { username: "avsplit", password: "wrong" } });
    const [failed] = await waitFor(c, "failed");
    expect(failed.status).toBe(403);
    expect((await t.done).code).not.toBe(0);
  });

  test("BYE from the trunk ends the call", async () => {
    const t = await trunk("uas_bye.xml");
    const c = call(t.target);
    await waitFor(c, "answered");
    const [info] = await waitFor(c, "terminated");
    expect(info.reason).toBe("remote-bye");
    expectOk(await t.done);
  });

  test("UDP loss (sipp -lost 10, 10 calls): retransmissions complete every call", async () => {
    const base = await freePorts(6);
    const sipp = startSipp(scen.dir, ["-sf", "uas_av_lossy.xml", "-i", "127.0.0.1", "-p", String(base), "-mi", "127.0.0.1",
      "-mp", String(base + 2), "-m", "10", "-lost", "10"], 200);
    await waitForPort(base, "udp");
    const byes: Promise<void>[] = [];
    let answered = 0;
    for (let i = 0; i < 10; i++) {
      const c = call(`sip:callcenter@127.0.0.1:${base}`);
      // A call whose INVITE/200 exchange sipp -lost keeps disrupting may take up to Timer B (32 s) plus load.
      await waitFor(c, "answered", 70_000);
      answered++;
      // sipp -lost also drops its own 200s to BYE retransmissions at times; a BYE then ends by Timer F (32 s)
      byes.push(c.bye());
    }
    await Promise.all(byes);
    expect(answered).toBe(10);
    const res = await sipp.done;
    expectOk(res);
    console.log(`sipp dropped ${lostCount(res.stdout)} messages`);
  }, 240_000);

  test("CANCEL while the call center rings: 200 to the CANCEL, 487 to the INVITE", async () => {
    const t = await trunk("uas_callcenter.xml");
    const c = call(t.target, { sdp: answerSdp(40000, false) });
    await waitFor(c, "progress");
    const failed = waitFor(c, "failed");
    c.cancel();
    const [f] = await failed;
    expect(f.status).toBe(487);
    expect(c.state).toBe("terminated");
    expectOk(await t.done);
  });

  test("REFER from the call center: 202, NOTIFY 100 Trying and 200 OK as message/sipfrag, then BYE", async () => {
    const t = await trunk("uas_refer.xml");
    const c = call(t.target);
    await waitFor(c, "answered");
    const [refer] = await waitFor(c, "refer");
    expect(refer.referTo).toBe("<sip:agent2@127.0.0.1>");
    expect(refer.referredBy).toBe("<sip:agent1@127.0.0.1>");
    const progress = refer.accept()!;
    const final = await progress.notify(200, "OK");
    expect(final!.status).toBe(200);
    await c.bye();
    expectOk(await t.done);
  });
});
