import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { SipStack, IncomingCall } from "../../../src/sip/index.ts";
import { SIPP, answerSdp, freePorts, lostCount, portOf, runSipp, scenarioDir, startStack, type SippResult } from "./sipp.ts";

/** sipp plays the caller (the SBC side); avsplit answers. */
describe.skipIf(!SIPP)("avsplit as UAS against sipp UAC", () => {
  let stack: SipStack;
  const scen = scenarioDir();
  beforeAll(async () => { stack = await startStack(); });
  afterAll(async () => { await stack.close(); scen.cleanup(); });

  async function caller(scenario: string, extra: string[] = [], transport: "udp" | "tcp" = "udp", timeoutS = 30): Promise<SippResult> {
    const base = await freePorts(6);
    const args = ["-sf", scenario, "-s", "avsplit", "-i", "127.0.0.1", "-p", String(base), "-mi", "127.0.0.1", "-mp", String(base + 2),
      `127.0.0.1:${portOf(stack, transport)}`, "-m", "1", ...extra];
    if (transport === "tcp") args.push("-t", "t1");
    return runSipp(scen.dir, args, timeoutS);
  }

  function expectOk(res: SippResult) {
    if (res.code !== 0) console.log(res.stdout, res.stderr, res.logs);
    expect(res.code).toBe(0);
  }

  /** Answers every incoming call with 180 + 200 and records what happens to it. */
  function autoAnswer(seen: string[], answer = (c: IncomingCall) => answerSdp(30000, c.offer?.includes("m=video") ?? false)) {
    const onIncoming = (call: IncomingCall) => {
      seen.push(`offer:${call.offer?.includes("m=video") ? "av" : "a"}`);
      call.on("acked", () => seen.push("acked"));
      call.on("bye", () => seen.push("bye"));
      call.progress(180);
      void call.answer(answer(call));
    };
    stack.ua.on("incoming", onIncoming);
    return () => stack.ua.off("incoming", onIncoming);
  }

  test("uac_av: 180, 200 with SDP, ACK, BYE from sipp", async () => {
    const seen: string[] = [];
    const stop = autoAnswer(seen);
    expectOk(await caller("uac_av.xml", ["-d", "200"]));
    stop();
    expect(seen).toEqual(["offer:av", "acked", "bye"]);
  });

  test("TCP (-t t1)", async () => {
    const seen: string[] = [];
    const stop = autoAnswer(seen);
    expectOk(await caller("uac_av.xml", ["-d", "200"], "tcp"));
    stop();
    expect(seen).toEqual(["offer:av", "acked", "bye"]);
  });

  test("BYE from avsplit after the ACK", async () => {
    const ended: string[] = [];
    const onIncoming = (call: IncomingCall) => {
      call.on("acked", () => void call.bye());
      call.on("terminated", (t) => ended.push(t.reason));
      void call.answer(answerSdp(30000, true));
    };
    stack.ua.on("incoming", onIncoming);
    expectOk(await caller("uac_av_wait_bye.xml"));
    stack.ua.off("incoming", onIncoming);
    expect(ended).toEqual(["local-bye"]);
  });

  test("100rel: reliable 183 with SDP is PRACKed before the 200", async () => {
    const seen: string[] = [];
    const onIncoming = (call: IncomingCall) => {
      call.on("prack", (p) => seen.push(`prack:${p.rseq > 0}`));
      call.on("acked", () => seen.push("acked"));
      expect(call.peerSupports100rel).toBe(true);
      call.progress(183, { reliable: true, sdp: answerSdp(30000, true) });
      void call.answer(answerSdp(30000, true)).then((ok) => seen.push(`answered:${ok}`));
    };
    stack.ua.on("incoming", onIncoming);
    expectOk(await caller("uac_av_prack.xml", ["-d", "200"]));
    stack.ua.off("incoming", onIncoming);
    expect(seen).toEqual(["prack:true", "answered:true", "acked"]);
  });

  test("re-INVITEs removing then adding video are offered to the session layer", async () => {
    const offers: string[] = [];
    const onIncoming = (call: IncomingCall) => {
      call.on("remote-offer", (offer) => {
        const videoOff = offer.sdp?.includes("m=video 0 ") ?? false;
        offers.push(videoOff ? "video-off" : "video-on");
        offer.accept(answerSdp(30000, true, videoOff ? 0 : 30002));
      });
      void call.answer(answerSdp(30000, true));
    };
    stack.ua.on("incoming", onIncoming);
    expectOk(await caller("uac_av_reinvite.xml", ["-d", "200"]));
    stack.ua.off("incoming", onIncoming);
    expect(offers).toEqual(["video-off", "video-on"]);
  });

  test("CANCEL while ringing: 487 and a cancelled event", async () => {
    const seen: string[] = [];
    const onIncoming = (call: IncomingCall) => {
      call.on("cancelled", () => seen.push("cancelled"));
      call.on("terminated", (t) => seen.push(t.reason));
      call.progress(180);
    };
    stack.ua.on("incoming", onIncoming);
    expectOk(await caller("uac_audio_cancel.xml"));
    stack.ua.off("incoming", onIncoming);
    expect(seen).toEqual(["cancelled", "cancelled"]);
  });

  test("UDP loss (sipp -lost 10, 20 calls): each INVITE reaches the session layer once, every call completes", async () => {
    const calls: IncomingCall[] = [];
    const byes = new Set<IncomingCall>();
    const onIncoming = (call: IncomingCall) => {
      calls.push(call);
      call.on("bye", () => byes.add(call));
      call.progress(180);
      void call.answer(answerSdp(30000, true));
    };
    stack.ua.on("incoming", onIncoming);
    const res = await caller("uac_av.xml", ["-d", "50", "-lost", "10", "-m", "20", "-r", "20"], "udp", 90);
    stack.ua.off("incoming", onIncoming);
    expectOk(res);
    expect(calls.length).toBe(20);
    expect(new Set(calls.map((c) => c.callId)).size).toBe(20);
    // sipp -lost also drops messages it receives; a call whose 200s it dropped never gets ACK/BYE from it:
    // ours stays established, retransmitting the 200 until 64*T1, then BYEs (not waited for here).
    const unfinished = calls.filter((c) => !byes.has(c));
    for (const c of unfinished) expect(c.state).toBe("established");
    expect(unfinished.length).toBeLessThanOrEqual(3);
    console.log(`sipp dropped ${lostCount(res.stdout)} messages; calls sipp left hanging: ${unfinished.length}`);
  }, 120_000);

  test("session timer as UAS: 422 with Min-SE for a too short interval, then 200 with refresher=uac, UPDATE refresh answered", async () => {
    const seen: string[] = [];
    const onIncoming = (call: IncomingCall) => {
      call.on("session-refreshed", (s) => seen.push(`refreshed:${s}`));
      call.on("bye", () => seen.push("bye"));
      void call.answer(answerSdp(30000, false)).then(() => seen.push(`interval:${call.sessionInterval}`));
    };
    stack.ua.on("incoming", onIncoming);
    expectOk(await caller("uac_timer_422.xml"));
    stack.ua.off("incoming", onIncoming);
    expect(seen).toEqual(["interval:90", "refreshed:90", "bye"]);
  });
});
