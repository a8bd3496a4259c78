import { describe, expect, test } from "bun:test";
import { ReliableProvisionalSender, RSeqTracker, parseRAck, formatRAck, parseRSeq, RAckError } from "../../../src/sip/ua/reliable-provisional.ts";
import { glareRetryDelayMs } from "../../../src/sip/ua/glare.ts";
import { FakeClock } from "../../support/fake-clock.ts";

const timers = { t1: 500, t2: 4000 };

describe("RAck / RSeq", () => {
  test("round trip and typed errors", () => {
    expect(parseRAck("776656 1 invite")).toEqual({ rseq: 776656, cseq: 1, method: "INVITE" });
    expect(formatRAck({ rseq: 5, cseq: 2, method: "INVITE" })).toBe("5 2 INVITE");
    expect(parseRSeq(" 42 ")).toBe(42);
    for (const bad of ["", "1 2", "a 1 INVITE", "99999999999 1 INVITE"]) expect(() => parseRAck(bad)).toThrow(RAckError);
    for (const bad of ["0", "x", "4294967296"]) expect(() => parseRSeq(bad)).toThrow(RAckError);
  });
});

describe("ReliableProvisionalSender (UAS)", () => {
  test("retransmits at T1 doubling up to T2 and times out after 64*T1", () => {
    const clock = new FakeClock();
    const s = new ReliableProvisionalSender(1, clock, timers, 100);
    const sent: number[] = [];
    let timedOut = false;
    s.on("timeout", () => { timedOut = true; });
    expect(s.send(() => () => sent.push(clock.now()), true)).toBe(100);
    clock.advance(32_000);
    expect(sent).toEqual([0, 500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500]);
    expect(timedOut).toBe(true);
    expect(clock.pending()).toBe(0);
  });

  test("PRACK with the right RAck stops retransmission; wrong RAck does not match", () => {
    const clock = new FakeClock();
    const s = new ReliableProvisionalSender(7, clock, timers, 1);
    let count = 0;
    s.send(() => () => count++, true);
    expect(s.unacknowledgedBody).toBe(true);
    expect(s.onPrack({ rseq: 2, cseq: 7, method: "INVITE" })).toBe(false);
    expect(s.onPrack({ rseq: 1, cseq: 6, method: "INVITE" })).toBe(false);
    expect(s.onPrack({ rseq: 1, cseq: 7, method: "INVITE" })).toBe(true);
    expect(s.onPrack({ rseq: 1, cseq: 7, method: "INVITE" })).toBe(false);   // already acknowledged
    expect(s.unacknowledgedBody).toBe(false);
    clock.advance(60_000);
    expect(count).toBe(1);
  });

  test("later reliable provisionals wait for the previous PRACK, in RSeq order", () => {
    const clock = new FakeClock();
    const s = new ReliableProvisionalSender(1, clock, timers, 10);
    const sent: string[] = [];
    s.send((r) => () => sent.push(`183/${r}`), true);
    s.send((r) => () => sent.push(`180/${r}`), false);
    expect(sent).toEqual(["183/10"]);
    expect(s.onPrack({ rseq: 11, cseq: 1, method: "INVITE" })).toBe(false);
    expect(s.onPrack({ rseq: 10, cseq: 1, method: "INVITE" })).toBe(true);
    expect(sent).toEqual(["183/10", "180/11"]);
    expect(s.unacknowledgedBody).toBe(false);
    expect(s.outstanding).toBe(1);
  });

  test("close stops everything and refuses new sends; queue is bounded", () => {
    const clock = new FakeClock();
    const s = new ReliableProvisionalSender(1, clock, timers, 1, 2);
    expect(s.send(() => () => {}, false)).toBe(1);
    expect(s.send(() => () => {}, false)).toBe(2);
    expect(s.send(() => () => {}, false)).toBeNull();
    s.close();
    s.close();
    expect(clock.pending()).toBe(0);
    expect(s.send(() => () => {}, false)).toBeNull();
  });

  test("random initial RSeq is within 1..2^31-1", () => {
    for (let i = 0; i < 100; i++) {
      const s = new ReliableProvisionalSender(1, new FakeClock(), timers);
      const r = s.send(() => () => {}, false)!;
      expect(r).toBeGreaterThanOrEqual(1);
      expect(r).toBeLessThanOrEqual(2 ** 31 - 1);
    }
  });
});

describe("RSeqTracker (UAC)", () => {
  test("processes the first and each next RSeq once; ignores retransmissions and gaps", () => {
    const t = new RSeqTracker();
    expect(t.accept(5)).toBe("new");
    expect(t.accept(5)).toBe("ignore");
    expect(t.accept(7)).toBe("ignore");
    expect(t.accept(6)).toBe("new");
  });
});

describe("glare retry delay (RFC 3261 §14.1)", () => {
  test("Call-ID owner waits 2.1-4 s, the other 0-2 s, in 10 ms steps", () => {
    expect(glareRetryDelayMs(true, () => 0)).toBe(2100);
    expect(glareRetryDelayMs(true, () => 0.999999)).toBe(4000);
    expect(glareRetryDelayMs(false, () => 0)).toBe(0);
    expect(glareRetryDelayMs(false, () => 0.999999)).toBe(2000);
    expect(glareRetryDelayMs(false, () => 0.5) % 10).toBe(0);
  });
});
