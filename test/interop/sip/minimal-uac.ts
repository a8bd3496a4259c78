/**
 * A minimal UAC made only of the transport + transaction layers (no dialogs): INVITE (A+V SDP) -> ACK every 2xx
 * -> BYE. Used to prove the client transactions against a sipp UAS.
 */
import {
  generateCallId, generateTag, parseUri, SipHeaders, SipRequest, type SipResponse,
} from "../../../src/sip/message/index.ts";
import { TransactionLayer } from "../../../src/sip/transaction/index.ts";
import { type Destination, SipTransportLayer } from "../../../src/sip/transport/index.ts";

const SDP = new TextEncoder().encode([
  "v=0", "o=- 1 1 IN IP4 127.0.0.1", "s=-", "c=IN IP4 127.0.0.1", "t=0 0",
  "m=audio 6300 RTP/AVP 0", "a=rtpmap:0 PCMU/8000",
  "m=video 6302 RTP/AVP 97", "a=rtpmap:97 H264/90000", "a=fmtp:97 profile-level-id=42C01F;packetization-mode=1", "",
].join("\r\n"));

export type CallOutcome = "completed" | `failed: ${string}`;

export class MinimalUac {
  private constructor(readonly transport: SipTransportLayer, readonly transactions: TransactionLayer) {
    // a 2xx retransmitted after the INVITE transaction ended (Timer M) still needs its ACK
    transactions.on("stray-response", (res, source) => {
      if (res.status >= 200 && res.status < 300 && res.cseq.method === "INVITE") void this.ack(res, source);
    });
  }

  static async start(listen: string): Promise<MinimalUac> {
    const transport = new SipTransportLayer({ listen: [listen] });
    await transport.start();
    return new MinimalUac(transport, new TransactionLayer({ transport }));
  }

  call(dest: Destination): Promise<CallOutcome> {
    const local = this.transport.bound[0];
    const target = parseUri(`sip:b@${dest.host}:${dest.port}`);
    const from = `<sip:uac@${local.host}:${local.port}>;tag=${generateTag()}`;
    const headers = new SipHeaders([
      ["From", from], ["To", "<sip:b@" + dest.host + ">"], ["Call-ID", generateCallId(local.host)], ["CSeq", "1 INVITE"],
      ["Contact", `<sip:uac@${local.host}:${local.port};transport=${local.transport}>`], ["Content-Type", "application/sdp"],
    ]);
    const invite = new SipRequest("INVITE", target, headers, SDP);
    return new Promise((resolve) => {
      const tx = this.transactions.sendRequest(invite, dest);
      let answered = false;
      tx.on("final", (res) => {
        if (res.status >= 300) return resolve(`failed: INVITE got ${res.status}`);
        void this.ack(res, dest);
        if (answered) return;
        answered = true;
        const bye = this.inDialog("BYE", 2, res, target);
        const byeTx = this.transactions.sendRequest(bye, dest);
        byeTx.on("final", (r) => resolve(r.status === 200 ? "completed" : `failed: BYE got ${r.status}`));
        byeTx.on("timeout", () => resolve("failed: BYE timed out"));
        byeTx.on("transport-error", (e) => resolve(`failed: BYE ${e.message}`));
      });
      tx.on("timeout", () => resolve("failed: INVITE timed out"));
      tx.on("transport-error", (e) => resolve(`failed: INVITE ${e.message}`));
    });
  }

  async close(): Promise<void> {
    this.transactions.close();
    await this.transport.close();
  }

  private ack(res: SipResponse, dest: Destination): Promise<void> {
    const ack = this.inDialog("ACK", res.cseq.seq, res, parseUri(`sip:b@${dest.host}:${dest.port}`));
    return this.transactions.sendStateless(ack, dest).catch(() => {});
  }

  private inDialog(method: string, seq: number, res: SipResponse, target: ReturnType<typeof parseUri>): SipRequest {
    return new SipRequest(method, target, new SipHeaders([
      ["From", res.headers.get("From")!], ["To", res.headers.get("To")!], ["Call-ID", res.callId], ["CSeq", `${seq} ${method}`],
    ]));
  }
}
