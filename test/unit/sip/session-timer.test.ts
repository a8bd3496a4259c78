import { describe, expect, test } from "bun:test";
import {
  negotiateAsUas, negotiateAsUac, uacTimerRequest, retryAfter422, parseSessionExpires, formatSessionExpires,
  parseMinSE, SessionTimerHeaderError, DEFAULT_SESSION_TIMER, type TimerHeaders,
} from "../../../src/sip/ua/session-timer-negotiation.ts";
import { SessionTimer } from "../../../src/sip/ua/session-timer.ts";
import { FakeClock } from "../../support/fake-clock.ts";

const opts = { ...DEFAULT_SESSION_TIMER, sessionExpires: 1800, minSE: 120 };
const req = (p: Partial<TimerHeaders>): TimerHeaders => ({ sessionExpires: null, minSE: null, timerSupported: true, ...p });

describe("Session-Expires / Min-SE headers", () => {
  test("parse and format with refresher, case-insensitive, extra params ignored", () => {
    expect(parseSessionExpires("1800;refresher=UAC;x=1")).toEqual({ seconds: 1800, refresher: "uac" });
    expect(parseSessionExpires(" 90 ")).toEqual({ seconds: 90, refresher: null });
    expect(formatSessionExpires({ seconds: 600, refresher: "uas" })).toBe("600;refresher=uas");
    expect(parseMinSE("90")).toBe(90);
  });
  test("malformed values throw a typed error", () => {
    for (const bad of ["", "abc", "-5", "0", "12345678901"]) expect(() => parseSessionExpires(bad)).toThrow(SessionTimerHeaderError);
    expect(() => parseMinSE("x")).toThrow(SessionTimerHeaderError);
  });
});

describe("UAS negotiation (RFC 4028 §9)", () => {
  test("interval below our Min-SE from a timer-aware UAC -> 422 with our Min-SE", () => {
    expect(negotiateAsUas(req({ sessionExpires: { seconds: 100, refresher: null } }), opts)).toEqual({ kind: "reject", minSE: 120 });
  });
  test("interval below our Min-SE from a UAC without timer support -> raised, we refresh, no Require", () => {
    expect(negotiateAsUas(req({ sessionExpires: { seconds: 100, refresher: null }, timerSupported: false }), opts))
      .toEqual({ kind: "accept", sessionExpires: { seconds: 120, refresher: "uas" }, requireTimer: false, localRefreshes: true });
  });
  test("honours the UAC's refresher choice; refresher=uac requires timer", () => {
    expect(negotiateAsUas(req({ sessionExpires: { seconds: 600, refresher: "uac" } }), opts))
      .toEqual({ kind: "accept", sessionExpires: { seconds: 600, refresher: "uac" }, requireTimer: true, localRefreshes: false });
  });
  test("reduces a too long interval to ours but never below the request's Min-SE", () => {
    const d1 = negotiateAsUas(req({ sessionExpires: { seconds: 7200, refresher: null } }), opts);
    expect(d1).toMatchObject({ kind: "accept", sessionExpires: { seconds: 1800, refresher: "uas" }, localRefreshes: true });
    const d2 = negotiateAsUas(req({ sessionExpires: { seconds: 7200, refresher: null }, minSE: 3600 }), opts);
    expect(d2).toMatchObject({ sessionExpires: { seconds: 3600 } });
  });
  test("no Session-Expires in the request: we add ours, refresher per preference when the UAC supports timer", () => {
    expect(negotiateAsUas(req({}), { ...opts, preferLocalRefresher: false }))
      .toMatchObject({ sessionExpires: { seconds: 1800, refresher: "uac" }, requireTimer: true, localRefreshes: false });
    expect(negotiateAsUas(req({ timerSupported: false }), { ...opts, preferLocalRefresher: false }))
      .toMatchObject({ sessionExpires: { refresher: "uas" }, requireTimer: false, localRefreshes: true });
  });
});

describe("UAC negotiation (RFC 4028 §7)", () => {
  test("initial request leaves refresher to the UAS, refresh keeps the role", () => {
    expect(uacTimerRequest(opts, null)).toEqual({ sessionExpires: { seconds: 1800, refresher: null }, minSE: 120 });
    expect(uacTimerRequest(opts, { seconds: 600, minSE: 300 }, true)).toEqual({ sessionExpires: { seconds: 600, refresher: "uac" }, minSE: 300 });
    expect(uacTimerRequest(opts, { seconds: 600, minSE: 300 }, false).sessionExpires.refresher).toBe("uas");
  });
  test("422 raises Session-Expires and Min-SE; a 422 we already satisfied or without Min-SE gives up", () => {
    expect(retryAfter422({ seconds: 90, minSE: 90 }, 300)).toEqual({ seconds: 300, minSE: 300 });
    expect(retryAfter422({ seconds: 300, minSE: 300 }, 300)).toBeNull();
    expect(retryAfter422({ seconds: 300, minSE: 300 }, null)).toBeNull();
  });
  test("2xx decides the refresher; no Session-Expires means no timer", () => {
    expect(negotiateAsUac(req({ sessionExpires: { seconds: 900, refresher: "uac" } }))).toEqual({ seconds: 900, localRefreshes: true });
    expect(negotiateAsUac(req({ sessionExpires: { seconds: 900, refresher: "uas" } }))).toEqual({ seconds: 900, localRefreshes: false });
    expect(negotiateAsUac(req({}))).toBeNull();
  });
});

describe("SessionTimer runtime", () => {
  test("refresher refreshes at half the interval, restart postpones expiry", () => {
    const clock = new FakeClock();
    const t = new SessionTimer(clock);
    const events: string[] = [];
    t.on("refresh", () => events.push(`refresh@${clock.now()}`));
    t.on("expired", () => events.push(`expired@${clock.now()}`));
    t.start(90, true);
    clock.advance(45_000);
    expect(events).toEqual(["refresh@45000"]);
    t.start(90, true);                 // refresh succeeded
    clock.advance(45_000);
    expect(events).toEqual(["refresh@45000", "refresh@90000"]);
    clock.advance(15_000);             // 60 s after restart = 90 - min(32, 30)
    expect(events).toEqual(["refresh@45000", "refresh@90000", "expired@105000"]);
    expect(t.interval).toBeNull();
  });
  test("non-refresher expires at SE - min(32, SE/3) and never refreshes", () => {
    const clock = new FakeClock();
    const t = new SessionTimer(clock);
    const events: string[] = [];
    t.on("refresh", () => events.push("refresh"));
    t.on("expired", () => events.push(`expired@${clock.now()}`));
    t.start(1800, false);
    clock.advance(1767_999);
    expect(events).toEqual([]);
    clock.advance(1);
    expect(events).toEqual(["expired@1768000"]);
  });
  test("stop cancels all timers", () => {
    const clock = new FakeClock();
    const t = new SessionTimer(clock);
    t.start(90, true);
    t.stop();
    expect(clock.pending()).toBe(0);
  });
});
