import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Subprocess } from "bun";
import type { IncomingCall, SipStack } from "../../../src/sip/index.ts";
import { PEERS, SIPP, answerSdp, freePorts, portOf, runSipp, scenarioDir, startSipp, startStack, waitFor, waitForPort, type SippResult } from "./sipp.ts";

const KAMAILIO = Bun.which("kamailio");

/** Dialogs through a record-routing proxy (kamailio): in-dialog requests must follow the route set. */
describe.skipIf(!SIPP || !KAMAILIO)("route sets through kamailio", () => {
  let stack: SipStack;
  const scen = scenarioDir();
  const proxies: Subprocess[] = [];
  beforeAll(async () => { stack = await startStack(); });
  afterAll(async () => {
    for (const p of proxies) p.kill();
    await Promise.all(proxies.map((p) => p.exited));
    await stack.close();
    scen.cleanup();
  });

  /** A kamailio on a free port forwarding every new request to `target`. */
  async function proxy(targetPort: number): Promise<number> {
    const port = await freePorts(1);
    const dir = join(scen.dir, `kamailio-${port}`);
    mkdirSync(join(dir, "run"), { recursive: true });
    const cfg = readFileSync(join(PEERS, "kamailio", "kamailio.cfg"), "utf8").replaceAll("127.0.0.1:5080", `127.0.0.1:${port}`);
    writeFileSync(join(dir, "kamailio.cfg"), cfg);
    // -n 1: one UDP worker. With the config's two, the ACK and the re-INVITE we send right after it were now and then
    // relayed in the opposite order, and sipp's scenario (re-INVITE only after the ACK) aborted the call.
    const proc = Bun.spawn([KAMAILIO!, "-f", join(dir, "kamailio.cfg"), "-DD", "-E", "-n", "1", "-m", "32", "-M", "8", "-Y", join(dir, "run"),
      "-A", `TARGET="sip:127.0.0.1:${targetPort}"`], { stdout: "ignore", stderr: "ignore", stdin: "ignore" });
    proxies.push(proc);
    await waitForPort(port, "udp");
    return port;
  }

  function expectOk(res: SippResult) {
    if (res.code !== 0) console.log(res.stdout, res.stderr, res.logs);
    expect(res.code).toBe(0);
  }

  test("as UAS: our BYE carries the Record-Route as Route and goes to the proxy", async () => {
    const kport = await proxy(portOf(stack, "udp"));
    let byeCallId = "";
    const onIncoming = (call: IncomingCall) => {
      expect(call.dialog!.routeSet.length).toBeGreaterThan(0);
      call.on("acked", () => { byeCallId = call.callId; void call.bye(); });
      void call.answer(answerSdp(30000, true));
    };
    stack.ua.on("incoming", onIncoming);
    const base = await freePorts(6);
    const res = await runSipp(scen.dir, ["-sf", "uac_av_wait_bye.xml", "-s", "avsplit", "-i", "127.0.0.1", "-p", String(base),
      "-mi", "127.0.0.1", "-mp", String(base + 2), `127.0.0.1:${kport}`, "-m", "1"]);
    stack.ua.off("incoming", onIncoming);
    expectOk(res);
    const bye = stack.trace.get(byeCallId).find((e) => e.direction === "out" && e.firstLine.startsWith("BYE"))!;
    expect(bye.remote.port).toBe(kport);
    expect(bye.text).toMatch(new RegExp(`Route: <sip:127\\.0\\.0\\.1:${kport};lr`));
  });

  test("as UAC via an outbound proxy: ACK, re-INVITE and BYE follow the reversed Record-Route", async () => {
    const base = await freePorts(6);
    const sipp = startSipp(scen.dir, ["-sf", "uas_av.xml", "-i", "127.0.0.1", "-p", String(base), "-mi", "127.0.0.1", "-mp", String(base + 2), "-m", "1"]);
    await waitForPort(base, "udp");
    const kport = await proxy(base);
    const call = stack.ua.invite({ target: `sip:callcenter@127.0.0.1:${base}`, destination: { transport: "udp", host: "127.0.0.1", port: kport },
      from: "<sip:caller@127.0.0.1>", sdp: answerSdp(40000, true) });
    await waitFor(call, "answered");
    expect(call.dialog!.nextHop().port).toBe(kport);
    const off = await call.reinvite(answerSdp(40000, true, 0));
    expect(off.ok, `re-INVITE through the proxy answered ${off.status} ${off.reason}`).toBe(true);
    await call.bye();
    expectOk(await sipp.done);
    const out = stack.trace.get(call.callId).filter((e) => e.direction === "out");
    expect(out.map((e) => e.firstLine.split(" ")[0])).toEqual(["INVITE", "ACK", "INVITE", "ACK", "BYE"]);
    for (const e of out) expect(e.remote.port).toBe(kport);
    for (const e of out.slice(1)) expect(e.text).toContain(`Route: <sip:127.0.0.1:${kport};lr`);
  });
});
