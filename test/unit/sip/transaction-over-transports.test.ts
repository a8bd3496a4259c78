import { afterEach, describe, expect, test } from "bun:test";
import { SipTransportLayer } from "../../../src/sip/transport/index.ts";
import { TransactionLayer, type InviteClientTransaction } from "../../../src/sip/transaction/index.ts";
import { createResponse, SipHeaders, SipRequest, type SipResponse } from "../../../src/sip/message/index.ts";
import { SipTrace } from "../../../src/sip/trace.ts";
import { withTimeout } from "./helpers/net.ts";
import { outgoingRequest } from "./helpers/fake-transport.ts";

const stacks: { transport: SipTransportLayer; tx: TransactionLayer }[] = [];
afterEach(async () => {
  for (const s of stacks.splice(0)) { s.tx.close(); await s.transport.close(); }
});

async function stack(listen: string, trace?: SipTrace) {
  const transport = new SipTransportLayer({ listen: [listen], trace });
  await transport.start();
  const tx = new TransactionLayer({ transport });
  stacks.push({ transport, tx });
  return { transport, tx, addr: transport.bound[0] };
}

describe("transaction layer over real transports", () => {
  for (const proto of ["udp", "tcp"] as const) {
    test(`${proto}: INVITE -> 180 -> 200 -> ACK, traced on both sides`, async () => {
      const traceA = new SipTrace();
      const traceB = new SipTrace();
      const a = await stack(`${proto}:127.0.0.1:0`, traceA);
      const b = await stack(`${proto}:127.0.0.1:0`, traceB);
      b.tx.on("request", (req, stx) => {
        stx.respond(createResponse(req, 180, "Ringing", "b-tag"));
        stx.respond(createResponse(req, 200, "OK", "b-tag"));
      });
      const acked = new Promise<SipRequest>((resolve) => b.tx.on("ack", (ack) => resolve(ack)));
      const ctx = a.tx.sendRequest(outgoingRequest("INVITE", "e2e@x"), b.addr) as InviteClientTransaction;
      const statuses: number[] = [];
      ctx.on("provisional", (r) => statuses.push(r.status));
      const ok = await withTimeout(new Promise<SipResponse>((resolve) => ctx.on("final", resolve)), 3000, "200");
      statuses.push(ok.status);
      // the dialog layer's job: ACK the 2xx with a new branch
      const h = new SipHeaders([["From", ok.headers.get("From")!], ["To", ok.headers.get("To")!],
        ["Call-ID", ok.callId], ["CSeq", `${ok.cseq.seq} ACK`]]);
      await a.tx.sendStateless(new SipRequest("ACK", ctx.request.uri, h), b.addr);
      const ack = await withTimeout(acked, 3000, "ACK");
      expect(statuses).toEqual([180, 200]);
      expect(ack.topVia.params.get("branch")).not.toBe(ctx.branch);
      expect(traceA.get("e2e@x").map((e) => `${e.direction} ${e.firstLine.split(" ").slice(0, 2).join(" ")}`)).toEqual([
        "out INVITE sip:bob@127.0.0.1:5060", "in SIP/2.0 180", "in SIP/2.0 200", "out ACK sip:bob@127.0.0.1:5060",
      ]);
      expect(traceB.get("e2e@x").map((e) => e.direction)).toEqual(["in", "out", "out", "in"]);
    });
  }
});
