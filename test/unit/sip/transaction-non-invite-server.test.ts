import { beforeEach, describe, expect, test } from "bun:test";
import { FakeClock } from "../../support/fake-clock.ts";
import { type ServerTransaction, TransactionLayer } from "../../../src/sip/transaction/index.ts";
import { createResponse } from "../../../src/sip/message/index.ts";
import { FakeTransport, outgoingRequest, requestText } from "./helpers/fake-transport.ts";

let clock: FakeClock;
let transport: FakeTransport;
let layer: TransactionLayer;
let txs: ServerTransaction[];

beforeEach(() => {
  clock = new FakeClock();
  transport = new FakeTransport();
  layer = new TransactionLayer({ transport, clock });
  txs = [];
  layer.on("request", (_req, tx) => txs.push(tx));
});

const BYE = requestText("BYE", { toTag: "t", cseq: 2 });

describe("non-INVITE server transaction (Timer J)", () => {
  test("Trying absorbs retransmissions silently; the TU sees the request once", () => {
    transport.inject(BYE);
    transport.inject(BYE);
    expect(txs).toHaveLength(1);
    expect(transport.sent).toHaveLength(0);
  });

  test("Proceeding resends the last provisional on a retransmission", () => {
    transport.inject(BYE);
    txs[0].respond(createResponse(txs[0].request, 100, "Trying"));
    transport.inject(BYE);
    expect(transport.responses().map((r) => r.status)).toEqual([100, 100]);
  });

  test("Completed resends the final on a retransmission; Timer J = 64*T1 over UDP", () => {
    transport.inject(BYE);
    const tx = txs[0];
    tx.respond(createResponse(tx.request, 200, "OK"));
    transport.inject(BYE);
    expect(transport.responses(200)).toHaveLength(2);
    expect(tx.respond(createResponse(tx.request, 500, "Server Internal Error"))).toBe(false);
    clock.advance(31_999);
    expect(tx.state).toBe("completed");
    clock.advance(1);
    expect(tx.state).toBe("terminated");
    transport.inject(BYE);                           // after Timer J it is a new request again
    expect(txs).toHaveLength(2);
  });

  test("reliable transport: Timer J = 0", () => {
    transport.reliable = true;
    transport.inject(BYE);
    txs[0].respond(createResponse(txs[0].request, 200, "OK"));
    clock.advance(0);
    expect(txs[0].state).toBe("terminated");
  });

  test("a transport error while answering is reported on the transaction", async () => {
    transport.inject(BYE);
    transport.failure = new Error("EHOSTUNREACH");
    const err = new Promise<Error>((resolve) => txs[0].on("transport-error", resolve));
    txs[0].respond(createResponse(txs[0].request, 200, "OK"));
    expect((await err).message).toBe("EHOSTUNREACH");
    expect(txs[0].state).toBe("terminated");
  });
});

describe("transaction layer plumbing", () => {
  test("sendRequest adds Via (sent-by, new branch, rport) and Max-Forwards", () => {
    const req = outgoingRequest("OPTIONS");
    req.headers.delete("Max-Forwards");
    const tx = layer.sendRequest(req, { transport: "tcp", host: "127.0.0.5", port: 5080 });
    const via = tx.request.topVia;
    expect(via.transport).toBe("TCP");
    expect(via.host).toBe("127.0.0.1");
    expect(via.port).toBe(5060);
    expect(via.params.get("branch")).toStartWith("z9hG4bK");
    expect(via.params.has("rport")).toBe(true);
    expect(tx.request.maxForwards).toBe(70);
    expect(transport.sent.at(-1)?.dest).toEqual({ transport: "tcp", host: "127.0.0.5", port: 5080 });
  });

  test("requests with the same branch but different methods are different transactions", () => {
    transport.inject(requestText("INVITE"));
    transport.inject(requestText("OPTIONS"));
    expect(txs.map((t) => t.method)).toEqual(["INVITE", "OPTIONS"]);
  });

  test("RFC 2543 requests (no magic cookie) do not crash and their retransmissions are absorbed", () => {
    const old = requestText("OPTIONS", { via: "SIP/2.0/UDP 127.0.0.2:5070" });
    transport.inject(old);
    transport.inject(old);
    expect(txs).toHaveLength(1);
    txs[0].respond(createResponse(txs[0].request, 200, "OK"));
    transport.inject(old);
    expect(transport.responses(200)).toHaveLength(2);
  });

  test("beyond maxServerTransactions new requests get a stateless 503", () => {
    layer.close();
    layer = new TransactionLayer({ transport, clock, maxServerTransactions: 2 });
    let seen = 0;
    layer.on("request", () => seen++);
    for (let i = 0; i < 3; i++) transport.inject(requestText("OPTIONS", { via: `SIP/2.0/UDP 127.0.0.2:5070;branch=z9hG4bK${i}` }));
    expect(seen).toBe(2);
    expect(transport.responses(503)).toHaveLength(1);
  });

  test("close() terminates every transaction, stops its timers and detaches from the transport", () => {
    transport.inject(requestText("INVITE"));
    layer.sendRequest(outgoingRequest("OPTIONS"), { transport: "udp", host: "127.0.0.2", port: 5070 });
    layer.close();
    layer.close();
    expect(clock.pending()).toBe(0);
    expect(layer.serverCount + layer.clientCount).toBe(0);
    transport.inject(requestText("OPTIONS", { via: "SIP/2.0/UDP 127.0.0.2:5070;branch=z9hG4bKlate" }));
    expect(txs).toHaveLength(1);
  });
});
