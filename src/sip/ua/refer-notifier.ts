/** NOTIFYs of the implicit subscription a REFER creates (RFC 3515 §2.4.4): message/sipfrag status lines. */
import type { SipResponse } from "../message/index.ts";
import { textBody } from "./body.ts";
import type { ReferProgress } from "./incoming-requests.ts";
import type { InDialogClient } from "./in-dialog-client.ts";

export class ReferNotifier implements ReferProgress {
  private finished = false;
  /** NOTIFYs go one at a time so that the peer sees them in order (CSeq and state). */
  private previous: Promise<unknown> = Promise.resolve();

  constructor(private readonly client: InDialogClient, private readonly referCseq: number) {}

  notify(status: number, reason: string): Promise<SipResponse | null> {
    if (this.finished) return Promise.resolve(null);
    const final = status >= 200;
    if (final) this.finished = true;
    const next = this.previous.then(() => this.send(status, reason, final));
    this.previous = next;
    return next;
  }

  private async send(status: number, reason: string, final: boolean): Promise<SipResponse | null> {
    try {
      const { response } = await this.client.send("NOTIFY", {
        headers: [
          ["Event", `refer;id=${this.referCseq}`],
          ["Subscription-State", final ? "terminated;reason=noresource" : "active;expires=60"],
        ],
        contentType: "message/sipfrag;version=2.0",
        body: textBody(`SIP/2.0 ${status} ${reason}\r\n`),
      });
      return response;
    } catch {
      return null;      // the dialog ended meanwhile
    }
  }
}
