import { beforeEach, describe, expect, test } from "bun:test";
import { FakeClock } from "../../support/fake-clock.ts";
import { InviteClientTransaction, TransactionLayer } from "../../../src/sip/transaction/index.ts";
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

function startInvite(): InviteClientTransaction {
  return layer.sendRequest(outgoingRequest("INVITE"), PEER) as InviteClientTransaction;
}

/** Times (ms) at which the INVITE went out. */
function inviteSendTimes(run: (tick: () => void) => void): number[] {
  const times: number[] = [];
  let seen = 0;
  run(() => {
    const n = transport.requests("INVITE").length;
    for (; seen < n; seen++) times.push(clock.now());
  });
  return times;
}

describe("INVITE client transaction timers", () => {
  test("Timer A doubles from T1 over UDP and Timer B times out at 64*T1 with a 408", () => {
    const tx = startInvite();
    let timeout: SipResponse | undefined;
    tx.on("timeout", (res) => (timeout = res));
    const times = inviteSendTimes((tick) => { tick(); for (let t = 0; t < 40_000; t += 50) { clock.advance(50); tick(); } });
    expect(times).toEqual([0, 500, 1500, 3500, 7500, 15500, 31500]);
    expect(timeout?.status).toBe(408);
    expect(tx.state).toBe("terminated");
    expect(layer.clientCount).toBe(0);
  });

  test("over a reliable transport the INVITE is sent once and Timer B still fires", () => {
    transport.reliable = true;
    const tx = startInvite();
    let timedOut = false;
    tx.on("timeout", () => (timedOut = true));
    clock.advance(31_999);
    expect(timedOut).toBe(false);
    clock.advance(1);
    expect(timedOut).toBe(true);
    expect(transport.requests("INVITE")).toHaveLength(1);
  });

  test("a provisional stops Timers A and B (Proceeding waits for the final)", () => {
    const tx = startInvite();
    const provisional: number[] = [];
    tx.on("provisional", (r) => provisional.push(r.status));
    let timedOut = false;
    tx.on("timeout", () => (timedOut = true));
    clock.advance(600);
    transport.inject(responseText(tx.request, 180, "Ringing", "tt"));
    clock.advance(60_000);
    expect(provisional).toEqual([180]);
    expect(tx.state).toBe("proceeding");
    expect(timedOut).toBe(false);
    expect(transport.requests("INVITE")).toHaveLength(2);
  });

  test("T1 is configurable", () => {
    layer.close();
    layer = new TransactionLayer({ transport, clock, timers: { t1: 100 } });
    const tx = startInvite();
    let timeoutAt = -1;
    tx.on("timeout", () => (timeoutAt = clock.now()));
    clock.advance(10_000);
    expect(timeoutAt).toBe(6400);
  });
});

describe("INVITE client transaction final responses", () => {
  test("non-2xx: ACK with the same branch and the response's To tag, once per retransmitted final; Timer D ends it", () => {
    const tx = startInvite();
    const finals: number[] = [];
    tx.on("final", (r) => finals.push(r.status));
    const reply = responseText(tx.request, 486, "Busy Here", "uas-tag");
    transport.inject(reply);
    expect(finals).toEqual([486]);
    expect(tx.state).toBe("completed");
    const [ack] = transport.requests("ACK");
    expect(ack.topVia.params.get("branch")).toBe(tx.branch);
    expect(ack.vias).toHaveLength(1);
    expect(ack.cseq).toEqual({ seq: tx.request.cseq.seq, method: "ACK" });
    expect(ack.to.params.get("tag")).toBe("uas-tag");
    expect(ack.uri).toEqual(tx.request.uri);

    transport.inject(reply);                        // retransmitted final: ACK again, TU not told again
    expect(transport.requests("ACK")).toHaveLength(2);
    expect(finals).toEqual([486]);

    clock.advance(31_999);
    expect(tx.state).toBe("completed");
    clock.advance(1);
    expect(tx.state).toBe("terminated");
  });

  test("non-2xx over a reliable transport terminates at once (Timer D = 0)", () => {
    transport.reliable = true;
    const tx = startInvite();
    transport.inject(responseText(tx.request, 603, "Decline", "x"));
    clock.advance(0);
    expect(tx.state).toBe("terminated");
  });

  test("2xx: Accepted passes every 2xx to the TU (no ACK from the transaction); Timer M ends it, later 2xx are strays", () => {
    const tx = startInvite();
    const finals: string[] = [];
    tx.on("final", (r) => finals.push(`${r.status}:${r.to.params.get("tag")}`));
    const strays: number[] = [];
    layer.on("stray-response", (r) => strays.push(r.status));
    transport.inject(responseText(tx.request, 200, "OK", "a"));
    transport.inject(responseText(tx.request, 200, "OK", "a"));
    transport.inject(responseText(tx.request, 200, "OK", "fork-b"));
    expect(tx.state).toBe("accepted");
    expect(finals).toEqual(["200:a", "200:a", "200:fork-b"]);
    expect(transport.requests("ACK")).toHaveLength(0);
    clock.advance(31_999);
    expect(tx.state).toBe("accepted");
    clock.advance(1);
    expect(tx.state).toBe("terminated");
    transport.inject(responseText(tx.request, 200, "OK", "a"));
    expect(strays).toEqual([200]);
  });

  test("a transport error is reported and ends the transaction", async () => {
    transport.failure = new Error("ECONNREFUSED");
    const tx = startInvite();
    const err = await new Promise<Error>((resolve) => tx.on("transport-error", resolve));
    expect(err.message).toBe("ECONNREFUSED");
    expect(tx.state).toBe("terminated");
  });
});

describe("cancelling an INVITE (RFC 3261 §9.1)", () => {
  test("cancel() before any provisional waits for one, then sends CANCEL matching the INVITE", () => {
    const tx = startInvite();
    expect(tx.cancel()).toBeUndefined();
    expect(transport.requests("CANCEL")).toHaveLength(0);
    transport.inject(responseText(tx.request, 100, "Trying"));
    const [cancel] = transport.requests("CANCEL");
    expect(cancel.topVia.params.get("branch")).toBe(tx.branch);
    expect(cancel.cseq).toEqual({ seq: tx.request.cseq.seq, method: "CANCEL" });
    expect(cancel.callId).toBe(tx.request.callId);
    expect(cancel.headers.get("To")).toBe(tx.request.headers.get("To"));
    expect(cancel.uri).toEqual(tx.request.uri);
  });

  test("cancel() after a provisional sends at once; the 487 is ACKed and reported", () => {
    const tx = startInvite();
    transport.inject(responseText(tx.request, 180, "Ringing", "t"));
    const cancelTx = tx.cancel();
    expect(cancelTx).toBeDefined();
    expect(tx.cancel()).toBeUndefined();            // only one CANCEL
    const finals: number[] = [];
    tx.on("final", (r) => finals.push(r.status));
    let cancelFinal = 0;
    cancelTx!.on("final", (r) => (cancelFinal = r.status));
    transport.inject(responseText(cancelTx!.request, 200, "OK", "t"));
    transport.inject(responseText(tx.request, 487, "Request Terminated", "t"));
    expect(cancelFinal).toBe(200);
    expect(finals).toEqual([487]);
    expect(transport.requests("ACK")).toHaveLength(1);
    expect(transport.requests("CANCEL")).toHaveLength(1);
  });

  test("no final within 64*T1 after the CANCEL: the INVITE transaction times out", () => {
    const tx = startInvite();
    transport.inject(responseText(tx.request, 180, "Ringing", "t"));
    clock.advance(1000);
    tx.cancel();
    let timeoutAt = -1;
    tx.on("timeout", () => (timeoutAt = clock.now()));
    clock.advance(40_000);
    expect(timeoutAt).toBe(33_000);
  });

  test("cancel() after a final response does nothing", () => {
    const tx = startInvite();
    transport.inject(responseText(tx.request, 200, "OK", "t"));
    expect(tx.cancel()).toBeUndefined();
    expect(transport.requests("CANCEL")).toHaveLength(0);
  });
});

describe("Timer C safety net", () => {
  test("defaults to 30 minutes", () => {
    expect(layer.timers.timerC).toBe(1_800_000);
  });

  test("an INVITE ringing with no further response for timerC is CANCELled; each provisional restarts it", () => {
    layer.close();
    layer = new TransactionLayer({ transport, clock, timers: { timerC: 180_000 } });
    const tx = startInvite();
    transport.inject(responseText(tx.request, 180, "Ringing", "t"));
    clock.advance(179_000);
    transport.inject(responseText(tx.request, 183, "Session Progress", "t"));
    clock.advance(179_999);
    expect(transport.requests("CANCEL")).toHaveLength(0);
    clock.advance(1);
    expect(transport.requests("CANCEL")).toHaveLength(1);
    let timedOut = false;
    tx.on("timeout", () => (timedOut = true));
    clock.advance(32_000);                    // no 487 either: the transaction gives up
    expect(timedOut).toBe(true);
  });

  test("timerC: 0 disables it", () => {
    layer.close();
    layer = new TransactionLayer({ transport, clock, timers: { timerC: 0 } });
    const tx = startInvite();
    transport.inject(responseText(tx.request, 180, "Ringing", "t"));
    clock.advance(24 * 3_600_000);
    expect(transport.requests("CANCEL")).toHaveLength(0);
    expect(tx.state).toBe("proceeding");
  });
});
