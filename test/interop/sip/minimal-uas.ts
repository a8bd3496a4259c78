/**
 * A minimal UAS made only of the transport + transaction layers (no dialogs): INVITE -> 180, then 200 (SDP)
 * after ringMs (a CANCEL meanwhile makes the transaction answer 487), BYE/OPTIONS -> 200. Used to prove the transaction layer against sipp; also runnable alone:
 * `bun test/interop/sip/minimal-uas.ts udp:127.0.0.1:5070`.
 */
import { createResponse, generateTag, type SipRequest } from "../../../src/sip/message/index.ts";
import { TransactionLayer, type ServerTransaction } from "../../../src/sip/transaction/index.ts";
import { bracketHost, type InboundFilter, SipTransportLayer } from "../../../src/sip/transport/index.ts";

const SDP = new TextEncoder().encode(
  "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 6200 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n",
);

export interface MinimalUas {
  transport: SipTransportLayer;
  transactions: TransactionLayer;
  stats: { invites: number; acks: number; byes: number; ackTimeouts: number; cancelled: number };
  close(): Promise<void>;
}

export async function startMinimalUas(listen: string, ringMs = 0, filter?: InboundFilter): Promise<MinimalUas> {
  const transport = new SipTransportLayer({ listen: [listen], filter });
  await transport.start();
  const transactions = new TransactionLayer({ transport });
  const stats = { invites: 0, acks: 0, byes: 0, ackTimeouts: 0, cancelled: 0 };
  const ringing = new Set<ReturnType<typeof setTimeout>>();
  const local = transport.bound[0];
  const contact = `<sip:uas@${bracketHost(local.host)}:${local.port};transport=${local.transport}>`;

  const answer = (req: SipRequest, tx: ServerTransaction, tag: string) => {
    const ok = createResponse(req, 200, "OK", tag);
    ok.headers.append("Contact", contact);
    ok.headers.append("Content-Type", "application/sdp");
    ok.body = SDP;
    tx.respond(ok);
  };
  transactions.on("request", (req, tx) => {
    if (req.method === "INVITE") {
      stats.invites++;
      tx.on("ack-timeout", () => stats.ackTimeouts++);
      tx.on("cancelled", () => stats.cancelled++);
      const tag = generateTag();
      tx.respond(createResponse(req, 180, "Ringing", tag));
      if (ringMs > 0) {
        const timer = setTimeout(() => { ringing.delete(timer); answer(req, tx, tag); }, ringMs);  // no-op once CANCELled
        ringing.add(timer);
      } else answer(req, tx, tag);
      return;
    }
    if (req.method === "BYE") stats.byes++;
    tx.respond(createResponse(req, 200, "OK", generateTag()));
  });
  transactions.on("ack", () => stats.acks++);
  return {
    transport, transactions, stats,
    async close() {
      for (const t of ringing) clearTimeout(t);
      transactions.close();
      await transport.close();
    },
  };
}

if (import.meta.main) {
  const uas = await startMinimalUas(process.argv[2] ?? "udp:127.0.0.1:5070");
  console.log(`minimal UAS on ${JSON.stringify(uas.transport.bound)}`);
  process.on("SIGINT", async () => { console.log(uas.stats); await uas.close(); process.exit(0); });
}
