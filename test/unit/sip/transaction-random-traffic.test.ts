/**
 * Seeded random traffic against the transaction layer: requests, retransmissions, ACKs, CANCELs and responses in
 * any order, with a TU that answers late or twice. Nothing may throw, and once the traffic stops every transaction
 * and timer must be gone (no leak).
 */
import { expect, test } from "bun:test";
import { FakeClock } from "../../support/fake-clock.ts";
import { type ClientTransaction, type InviteClientTransaction, TransactionLayer } from "../../../src/sip/transaction/index.ts";
import { createResponse } from "../../../src/sip/message/index.ts";
import { setLogSink } from "../../../src/observability/log.ts";
import { FakeTransport, outgoingRequest, PEER, requestText, responseText } from "./helpers/fake-transport.ts";

function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

for (const [seed, reliable] of [[1, false], [2, true], [3, false], [4, false]] as const) {
  test(`seed ${seed} (${reliable ? "reliable" : "udp"}): 5000 random events, no exception, nothing left afterwards`, () => {
    const logged: string[] = [];
    setLogSink((l) => logged.push(l));
    const rnd = prng(seed);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
    const clock = new FakeClock();
    const transport = new FakeTransport();
    transport.reliable = reliable;
    const layer = new TransactionLayer({ transport, clock });
    const clients: ClientTransaction[] = [];
    layer.on("request", (req, tx) => {
      const answer = () => {
        const status = pick([180, 200, 200, 486, 603]);
        tx.respond(createResponse(req, status, undefined, "uas"));
        if (status < 200) tx.respond(createResponse(req, pick([200, 487]), undefined, "uas"));
        if (rnd() < 0.1) tx.respond(createResponse(req, 500, undefined, "uas"));   // a confused TU answers twice
      };
      if (rnd() < 0.5) answer(); else clock.setTimeout(answer, Math.floor(rnd() * 5000));
    });
    const branches = Array.from({ length: 12 }, (_, i) => `z9hG4bKr${i}`);
    const methods = ["INVITE", "INVITE", "BYE", "OPTIONS", "ACK", "CANCEL", "INFO"] as const;
    try {
      for (let step = 0; step < 5000; step++) {
        const r = rnd();
        if (r < 0.45) {
          const method = pick(methods);
          transport.inject(requestText(method, {
            via: `SIP/2.0/UDP 127.0.0.2:5070;branch=${pick(branches)}`, callId: `c${Math.floor(rnd() * 6)}@x`,
            cseq: 1 + Math.floor(rnd() * 3), toTag: rnd() < 0.5 ? "uas" : undefined,
          }));
        } else if (r < 0.6) {
          const tx = layer.sendRequest(outgoingRequest(pick(["INVITE", "OPTIONS", "BYE"]), `o${step}@x`), PEER);
          clients.push(tx);
        } else if (r < 0.85 && clients.length > 0) {
          const tx = pick(clients);
          transport.inject(responseText(tx.request, pick([100, 180, 183, 200, 200, 404, 487, 503]), "X", pick(["a", "b"])));
        } else if (r < 0.9 && clients.length > 0) {
          const tx = pick(clients);
          if (tx.request.method === "INVITE") (tx as InviteClientTransaction).cancel();
        } else {
          clock.advance(Math.floor(rnd() * 3000));
        }
        if (clients.length > 200) clients.splice(0, 100);
      }
    } finally {
      setLogSink((l) => process.stderr.write(l + "\n"));
    }
    clock.advance(40 * 60_000);             // past Timer C (30 min): a peer that only rang gets CANCELled
    expect(layer.clientCount).toBe(0);
    expect(layer.serverCount).toBe(0);
    expect(clock.pending()).toBe(0);
    expect(logged.filter((l) => l.includes("listener threw") || l.includes("could not match"))).toEqual([]);
    expect(transport.sent.length).toBeGreaterThan(1000);
    layer.close();
  });
}
