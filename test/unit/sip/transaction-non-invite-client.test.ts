import { beforeEach, describe, expect, test } from "bun:test";
import { FakeClock } from "../../support/fake-clock.ts";
import { type ClientTransaction, TransactionLayer } from "../../../src/sip/transaction/index.ts";
import type { SipResponse } from "../../../src/sip/message/index.ts";
import { FakeTransport, outgoingRequest, PEER, responseText } from "./helpers/fake-transport.ts";

let clock: FakeClock;
let transport: FakeTransport;
let layer: TransactionLayer;

beforeEach(() => {
  clock = new FakeClock();
  transport = new FakeTransport();
  layer = new TransactionLayer({ transport, clock });
});

function sendTimes(tx: ClientTransaction, until: number, onTick?: (now: number) => void): number[] {
  const times = [0];
  let seen = 1;
  for (let t = 0; t < until; t += 50) {
    clock.advance(50);
    onTick?.(clock.now());
    for (const n = transport.requests(tx.request.method).length; seen < n; seen++) times.push(clock.now());
  }
  return times;
}

describe("non-INVITE client transaction timers", () => {
  test("Timer E doubles from T1 up to T2 while Trying; Timer F times out at 64*T1 with a 408", () => {
    const tx = layer.sendRequest(outgoingRequest("OPTIONS"), PEER);
    let timeout: SipResponse | undefined;
    tx.on("timeout", (r) => (timeout = r));
    const times = sendTimes(tx, 33_000);
    expect(times).toEqual([0, 500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500]);
    expect(timeout?.status).toBe(408);
    expect(timeout?.callId).toBe(tx.request.callId);
    expect(tx.state).toBe("terminated");
  });

  test("in Proceeding Timer E retransmits every T2", () => {
    const tx = layer.sendRequest(outgoingRequest("BYE"), PEER);
    const times = sendTimes(tx, 20_000, (now) => {
      if (now === 600) transport.inject(responseText(tx.request, 100, "Trying"));
    });
    expect(tx.state).toBe("proceeding");
    // 0, 500 (Trying), then the pending E at 1500 and every T2 after it
    expect(times).toEqual([0, 500, 1500, 5500, 9500, 13500, 17500]);
  });

  test("final response: Completed absorbs retransmitted finals, Timer K = T4 ends it", () => {
    const tx = layer.sendRequest(outgoingRequest("INFO"), PEER);
    const finals: number[] = [];
    tx.on("final", (r) => finals.push(r.status));
    const ok = responseText(tx.request, 200, "OK", "x");
    transport.inject(ok);
    transport.inject(ok);
    expect(finals).toEqual([200]);
    expect(tx.state).toBe("completed");
    clock.advance(10_000);
    expect(transport.requests("INFO")).toHaveLength(1);     // no retransmission after the final
    expect(tx.state).toBe("terminated");
  });

  test("Timer K fires at T4 exactly (configurable)", () => {
    layer.close();
    layer = new TransactionLayer({ transport, clock, timers: { t4: 2000 } });
    const tx = layer.sendRequest(outgoingRequest("INFO"), PEER);
    transport.inject(responseText(tx.request, 404, "Not Found", "x"));
    clock.advance(1999);
    expect(tx.state).toBe("completed");
    clock.advance(1);
    expect(tx.state).toBe("terminated");
  });

  test("reliable transport: no retransmission, Timer K = 0, Timer F still applies", () => {
    transport.reliable = true;
    const tx = layer.sendRequest(outgoingRequest("OPTIONS"), PEER);
    let timedOutAt = -1;
    tx.on("timeout", () => (timedOutAt = clock.now()));
    clock.advance(40_000);
    expect(transport.requests("OPTIONS")).toHaveLength(1);
    expect(timedOutAt).toBe(32_000);

    const tx2 = layer.sendRequest(outgoingRequest("OPTIONS", "out-2@x"), PEER);
    transport.inject(responseText(tx2.request, 200, "OK", "x"));
    clock.advance(0);
    expect(tx2.state).toBe("terminated");
  });

  test("responses are matched by branch and CSeq method, not by Call-ID", () => {
    const a = layer.sendRequest(outgoingRequest("OPTIONS", "same@x"), PEER);
    const b = layer.sendRequest(outgoingRequest("OPTIONS", "same@x"), PEER);
    const got: string[] = [];
    a.on("final", () => got.push("a"));
    b.on("final", () => got.push("b"));
    transport.inject(responseText(b.request, 200, "OK", "x"));
    expect(got).toEqual(["b"]);
    // same branch, other method: not a match
    const wrong = responseText(a.request, 200, "OK", "x").replace("CSeq: 1 OPTIONS", "CSeq: 1 INFO");
    const strays: number[] = [];
    layer.on("stray-response", (r) => strays.push(r.status));
    transport.inject(wrong);
    expect(got).toEqual(["b"]);
    expect(strays).toEqual([200]);
  });
});
