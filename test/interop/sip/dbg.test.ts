import { test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { answerSdp, freePorts, startSipp, scenarioDir, startStack, waitFor, waitForPort } from "./sipp.ts";
test("dbg", async () => {
  const stack = await startStack();
  for (let round = 0; round < 6; round++) {
    const scen = scenarioDir();
    const base = await freePorts(6);
    const sipp = startSipp(scen.dir, ["-sf", "uas_av_lossy.xml", "-i", "127.0.0.1", "-p", String(base), "-mi", "127.0.0.1", "-mp", String(base + 2), "-m", "10", "-lost", "10"], 90);
    await waitForPort(base, "udp");
    for (let i = 0; i < 10; i++) {
      const t0 = Date.now();
      const c = stack.ua.invite({ target: `sip:cc@127.0.0.1:${base}`, from: "<sip:a@127.0.0.1>", sdp: answerSdp(40000, true) });
      await waitFor(c, "answered", 40_000);
      const t1 = Date.now();
      await c.bye();
      const t2 = Date.now();
      if (t2 - t0 > 5000) {
        console.log("SLOW call", i, "answer", t1 - t0, "bye", t2 - t1, c.callId);
        for (const e of stack.trace.get(c.callId)) console.log(e.time % 100000, e.direction, e.firstLine);
        await sipp.done;
        for (const f of readdirSync(scen.dir)) if (f.endsWith("messages.log")) { const txt = readFileSync(scen.dir + "/" + f, "utf8"); const idx = txt.indexOf(c.callId); console.log(txt.slice(Math.max(0, idx - 3000), idx + 6000)); }
        return;
      }
    }
    await sipp.done;
    scen.cleanup();
  }
}, 600000);
