import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { SipStack } from "../../../src/sip/index.ts";
import { SIPP, freePorts, startSipp, scenarioDir, startStack, waitForPort } from "./sipp.ts";

describe.skipIf(!SIPP)("OPTIONS keep-alive against a sipp trunk", () => {
  let stack: SipStack;
  const scen = scenarioDir();
  // T1 = 100 ms: a lost trunk is detected after 64*T1 = 6.4 s instead of 32 s
  beforeAll(async () => { stack = await startStack({ timers: { t1: 100, t2: 400 } }); });
  afterAll(async () => { await stack.close(); scen.cleanup(); });

  test("up while sipp answers, down once it is gone (Timer F), events on each change", async () => {
    const base = await freePorts(2);
    const sipp = startSipp(scen.dir, ["-sf", "uas_options.xml", "-i", "127.0.0.1", "-p", String(base), "-m", "1"]);
    await waitForPort(base, "udp");
    const states: string[] = [];
    const changed = (n: number) => new Promise<void>((resolve) => {
      const on = (name: string, up: boolean, status: number) => {
        states.push(`${name}:${up ? "up" : "down"}:${status}`);
        if (states.length === n) { stack.ua.off("trunk-state", on); resolve(); }
      };
      stack.ua.on("trunk-state", on);
    });
    const up = changed(1);
    const pinger = stack.ua.pingTrunk({ name: "cc", target: `sip:127.0.0.1:${base}`, intervalS: 1 });
    await up;
    expect((await sipp.done).code).toBe(0);               // answered two pings, then exited
    const down = changed(2);
    await down;                                            // third ping: no answer within 64*T1 (or ICMP: 503)
    expect(states[0]).toBe("cc:up:200");
    expect(["cc:down:408", "cc:down:503"]).toContain(states[1]);
    expect(pinger.state).toBe("down");
    pinger.close();
  }, 60_000);
});
