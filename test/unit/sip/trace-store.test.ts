import { afterEach, describe, expect, test } from "bun:test";
import { SipTrace } from "../../../src/sip/trace.ts";
import { createResponse, parseMessage, type SipRequest } from "../../../src/sip/message/index.ts";
import { setLogLevel, setLogSink } from "../../../src/observability/log.ts";
import { FakeClock } from "../../support/fake-clock.ts";
import { requestText } from "./helpers/fake-transport.ts";

const peer = { transport: "udp" as const, host: "127.0.0.2", port: 5070 };
const req = (callId: string) => parseMessage(new TextEncoder().encode(requestText("INVITE", { callId }))) as SipRequest;

afterEach(() => { setLogLevel("info"); setLogSink((l) => process.stderr.write(l + "\n")); });

describe("SIP trace store", () => {
  test("records both directions per Call-ID with time, remote, first line and full text", () => {
    const clock = new FakeClock();
    const trace = new SipTrace({ clock });
    const invite = req("c1@x");
    trace.record("in", invite, peer);
    clock.advance(20);
    trace.record("out", createResponse(invite, 180, "Ringing", "t"), peer);
    trace.record("in", req("other@x"), peer);
    const entries = trace.get("c1@x");
    expect(entries.map((e) => [e.time, e.direction, e.firstLine])).toEqual([
      [0, "in", "INVITE sip:bob@127.0.0.1:5060 SIP/2.0"],
      [20, "out", "SIP/2.0 180 Ringing"],
    ]);
    expect(entries[0].remote).toEqual(peer);
    expect(entries[1].text).toContain("To: <sip:bob@127.0.0.1>;tag=t\r\n");
    expect(trace.get("missing")).toEqual([]);
  });

  test("bounded: calls (least recently active evicted), entries per call, text size", () => {
    const trace = new SipTrace({ maxCalls: 3, maxEntriesPerCall: 4, maxTextBytes: 100 });
    for (let i = 0; i < 5; i++) trace.record("in", req(`c${i}@x`), peer);
    expect(trace.callIds()).toEqual(["c2@x", "c3@x", "c4@x"]);
    trace.record("in", req("c2@x"), peer);               // c2 becomes the most recent
    trace.record("in", req("c5@x"), peer);
    expect(trace.callIds()).toEqual(["c4@x", "c2@x", "c5@x"]);
    for (let i = 0; i < 10; i++) trace.record("out", req("c5@x"), peer);
    expect(trace.get("c5@x")).toHaveLength(4);
    expect(trace.get("c5@x")[0].text.length).toBeLessThanOrEqual(100);
  });

  test("logs each message at debug level only", () => {
    const lines: string[] = [];
    setLogSink((l) => lines.push(l));
    const trace = new SipTrace();
    trace.record("in", req("quiet@x"), peer);
    expect(lines).toHaveLength(0);
    setLogLevel("debug");
    trace.record("out", req("loud@x"), peer);
    const logged = lines.map((l) => JSON.parse(l)).filter((l) => l.c === "sip.trace");
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ level: "debug", msg: "sip send", callId: "loud@x", remote: "udp:127.0.0.2:5070" });
  });
});
