export {
  DEFAULT_PACKET_OVERHEAD, tmmbrToRemb, rembToTmmbr, tmmbnFor, bAsToBps, bpsToBAs, tiasToBps, type OverheadAdjustment,
} from "./translate.ts";
export { BitrateConstraints } from "./bitrate-constraints.ts";
