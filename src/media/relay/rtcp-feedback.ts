/** RTCP feedback messages (RFC 4585/5104, REMB) the session layer may translate between legs. */
import type {
  FullIntraRequest, GenericNack, PictureLossIndication, ReceiverEstimatedMaxBitrate, RtcpPacket, Tmmbn, Tmmbr,
  TransportWideCc,
} from "../rtcp/index.ts";

export type RtcpFeedback =
  | PictureLossIndication | FullIntraRequest | GenericNack | Tmmbr | Tmmbn | ReceiverEstimatedMaxBitrate | TransportWideCc;

export function feedbackOf(p: RtcpPacket): RtcpFeedback | null {
  switch (p.type) {
    case "pli": case "fir": case "nack": case "tmmbr": case "tmmbn": case "remb": case "twcc":
      return p;
    default:
      return null;
  }
}
