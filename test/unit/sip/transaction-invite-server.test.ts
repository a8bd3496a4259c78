import { beforeEach, describe, expect, test } from "bun:test";
import { FakeClock } from "../../support/fake-clock.ts";
import {
  type InviteServerTransaction, type ServerTransaction, TransactionLayer,
} from "../../../src/sip/transaction/index.ts";
import { createResponse, type SipRequest } from "../../../src/sip/message/index.ts";
import { FakeTransport, requestText } from "./helpers/fake-transport.ts";

let clock: FakeClock;
let transport: FakeTransport;
let layer: TransactionLayer;
let incoming: { req: SipRequest; tx: ServerTransaction }[];

beforeEach(() => {
  clock = new FakeClock();
  transport = new FakeTransport();
  layer = new TransactionLayer({ transport, clock });
  incoming = [];
  layer.on("request", (req, tx) => incoming.push({ req, tx }));
});

const INVITE = requestText("INVITE");

function receiveInvite(): InviteServerTransaction {
  transport.inject(INVITE);
  expect(incoming).toHaveLength(1);
  return incoming[0].tx as InviteServerTransaction;
}

function statusesSent(): number[] { return transport.responses().map((r) => r.status); }

describe("INVITE server transaction: 100 Trying and retransmission absorption", () => {
  test("100 Trying goes out after 200 ms when the TU is silent", () => {
    receiveInvite();
    clock.advance(199);
    expect(statusesSent()).toEqual([]);
    clock.advance(1);
    expect(statusesSent()).toEqual([100]);
    const trying = transport.responses(100)[0];
    expect(trying.to.params.has("tag")).toBe(false);
  });

  test("no 100 Trying when the TU answers within 200 ms", () => {
    const tx = receiveInvite();
    clock.advance(50);
    tx.respond(createResponse(tx.request, 180, "Ringing", "uas"));
    clock.advance(1000);
    expect(statusesSent()).toEqual([180]);
  });

  test("retransmitted INVITEs are absorbed (TU sees one) and get the last provisional again", () => {
    const tx = receiveInvite();
    transport.inject(INVITE);                         // before anything was sent: a 100 right away
    expect(statusesSent()).toEqual([100]);
    tx.respond(createResponse(tx.request, 183, "Session Progress", "uas"));
    transport.inject(INVITE);
    transport.inject(INVITE);
    expect(incoming).toHaveLength(1);
    expect(statusesSent()).toEqual([100, 183, 183, 183]);
  });
});

describe("INVITE server transaction: non-2xx final (Timers G, H, I)", () => {
  test("Timer G retransmits the final T1, 2T1 .. up to T2; Timer H reports a missing ACK at 64*T1", () => {
    const tx = receiveInvite();
    let ackTimeoutAt = -1;
    tx.on("ack-timeout", () => (ackTimeoutAt = clock.now()));
    tx.respond(createResponse(tx.request, 486, "Busy Here", "uas"));
    const times: number[] = [0];
    for (let t = 0; t < 33_000; t += 50) {
      clock.advance(50);
      while (times.length < transport.responses(486).length) times.push(clock.now());
    }
    expect(times).toEqual([0, 500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500]);
    expect(ackTimeoutAt).toBe(32_000);
    expect(tx.state).toBe("terminated");
    expect(layer.serverCount).toBe(0);
  });

  test("ACK (same branch) confirms: retransmissions stop, the ACK is not passed up, Timer I = T4", () => {
    const tx = receiveInvite();
    const acks: SipRequest[] = [];
    layer.on("ack", (a) => acks.push(a));
    let acked = false;
    tx.on("acked", () => (acked = true));
    tx.respond(createResponse(tx.request, 480, "Temporarily Unavailable", "uas"));
    clock.advance(600);
    transport.inject(requestText("ACK", { toTag: "uas" }));
    expect(tx.state).toBe("confirmed");
    expect(acked).toBe(true);
    expect(acks).toHaveLength(0);
    transport.inject(requestText("ACK", { toTag: "uas" }));      // absorbed
    transport.inject(INVITE);                                     // absorbed in Confirmed
    clock.advance(4999);
    expect(tx.state).toBe("confirmed");
    clock.advance(1);
    expect(tx.state).toBe("terminated");
    expect(transport.responses(480)).toHaveLength(2);             // original + Timer G at 500
  });

  test("a retransmitted INVITE in Completed gets the final again", () => {
    const tx = receiveInvite();
    tx.respond(createResponse(tx.request, 404, "Not Found", "uas"));
    transport.inject(INVITE);
    expect(transport.responses(404)).toHaveLength(2);
  });

  test("reliable transport: no Timer G, Timer I = 0", () => {
    transport.reliable = true;
    const tx = receiveInvite();
    tx.respond(createResponse(tx.request, 404, "Not Found", "uas"));
    clock.advance(10_000);
    expect(transport.responses(404)).toHaveLength(1);
    transport.inject(requestText("ACK", { toTag: "uas" }));
    clock.advance(0);
    expect(tx.state).toBe("terminated");
  });
});

describe("INVITE server transaction: 2xx", () => {
  test("2xx is retransmitted (T1 doubling to T2) until the ACK (new branch) arrives; the ACK goes to the TU", () => {
    const tx = receiveInvite();
    tx.respond(createResponse(tx.request, 200, "OK", "uas"));
    expect(tx.state).toBe("accepted");
    clock.advance(3600);                       // 2xx at 0, 500, 1500, 3500
    expect(transport.responses(200)).toHaveLength(4);
    const acks: { ack: SipRequest; tx: InviteServerTransaction | undefined }[] = [];
    layer.on("ack", (ack, _s, matched) => acks.push({ ack, tx: matched }));
    transport.inject(requestText("ACK", { toTag: "uas", via: "SIP/2.0/UDP 127.0.0.2:5070;branch=z9hG4bKnewbranch" }));
    expect(acks).toHaveLength(1);
    expect(acks[0].tx).toBe(tx);
    expect(tx.acked).toBe(true);
    transport.inject(INVITE);                  // retransmitted INVITE in Accepted: absorbed
    clock.advance(4999);                       // after the ACK, Timer L is cut to T4
    expect(tx.state).toBe("accepted");
    clock.advance(1);
    expect(tx.state).toBe("terminated");
    expect(transport.responses(200)).toHaveLength(4);
    expect(incoming).toHaveLength(1);
  });

  test("no ACK for the 2xx within 64*T1: ack-timeout (the TU should send BYE)", () => {
    const tx = receiveInvite();
    let ackTimeoutAt = -1;
    tx.on("ack-timeout", () => (ackTimeoutAt = clock.now()));
    tx.respond(createResponse(tx.request, 200, "OK", "uas"));
    clock.advance(40_000);
    expect(ackTimeoutAt).toBe(32_000);
    // 0, .5, 1.5, 3.5, 7.5, 11.5, ... 31.5 s
    expect(transport.responses(200)).toHaveLength(11);
  });

  test("an ACK that matches nothing is still passed up for the dialog layer", () => {
    const acks: (InviteServerTransaction | undefined)[] = [];
    layer.on("ack", (_a, _s, tx) => acks.push(tx));
    transport.inject(requestText("ACK", { toTag: "zz", callId: "unknown@x", via: "SIP/2.0/UDP 127.0.0.2:5070;branch=z9hG4bKq" }));
    expect(acks).toEqual([undefined]);
  });

  test("respond() after the final is refused", () => {
    const tx = receiveInvite();
    expect(tx.respond(createResponse(tx.request, 200, "OK", "uas"))).toBe(true);
    expect(tx.respond(createResponse(tx.request, 500, "Server Internal Error", "uas"))).toBe(false);
  });
});

describe("CANCEL (RFC 3261 §9.2)", () => {
  const CANCEL = requestText("CANCEL");

  test("CANCEL of a pending INVITE: 200 to the CANCEL, 487 to the INVITE with the same To tag, TU told", () => {
    const tx = receiveInvite();
    tx.respond(createResponse(tx.request, 180, "Ringing", "uas-tag"));
    let cancelled: SipRequest | undefined;
    tx.on("cancelled", (c) => (cancelled = c));
    transport.inject(CANCEL);
    expect(cancelled?.method).toBe("CANCEL");
    expect(tx.cancelled).toBe(true);
    const ok = transport.responses(200)[0];
    expect(ok.cseq.method).toBe("CANCEL");
    expect(ok.to.params.get("tag")).toBe("uas-tag");
    const terminated = transport.responses(487)[0];
    expect(terminated.cseq.method).toBe("INVITE");
    expect(terminated.to.params.get("tag")).toBe("uas-tag");
    expect(incoming).toHaveLength(1);                 // the CANCEL itself is not a TU request
    transport.inject(requestText("ACK", { toTag: "uas-tag" }));
    expect(tx.state).toBe("confirmed");
    transport.inject(CANCEL);                         // retransmitted CANCEL: its 200 again
    expect(transport.responses(200)).toHaveLength(2);
  });

  test("CANCEL before any response gets a generated To tag shared by 200 and 487", () => {
    receiveInvite();
    transport.inject(CANCEL);
    const tag200 = transport.responses(200)[0].to.params.get("tag");
    expect(tag200).toBeTruthy();
    expect(transport.responses(487)[0].to.params.get("tag")).toBe(tag200);
  });

  test("CANCEL after the final response: 200 only, the INVITE stays answered", () => {
    const tx = receiveInvite();
    tx.respond(createResponse(tx.request, 200, "OK", "uas"));
    let cancelled = false;
    tx.on("cancelled", () => (cancelled = true));
    transport.inject(CANCEL);
    expect(cancelled).toBe(false);
    expect(transport.responses(487)).toHaveLength(0);
    expect(transport.responses().filter((r) => r.cseq.method === "CANCEL").map((r) => r.status)).toEqual([200]);
  });

  test("CANCEL matching no transaction gets 481", () => {
    transport.inject(requestText("CANCEL", { via: "SIP/2.0/UDP 127.0.0.2:5070;branch=z9hG4bKother" }));
    expect(statusesSent()).toEqual([481]);
  });

  test("CANCEL with the INVITE's branch but another sent-by does not match", () => {
    receiveInvite();
    transport.inject(requestText("CANCEL", { via: "SIP/2.0/UDP 127.0.0.9:5070;branch=z9hG4bKpeer1" }));
    expect(statusesSent()).toEqual([481]);
  });
});
