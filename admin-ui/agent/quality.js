// Call quality from RTCPeerConnection.getStats(): resolution, frame rate, bitrate and loss, both directions.
// Each call takes the previous sample so bitrates are computed over the interval between the two.

const inboundOf = (report) => [...report.values()].find((s) => s.type === "inbound-rtp" && s.kind === "video");
const outboundOf = (report) => [...report.values()].find((s) => s.type === "outbound-rtp" && s.kind === "video");
const remoteInboundOf = (report) => [...report.values()].find((s) => s.type === "remote-inbound-rtp" && s.kind === "video");

const kbps = (bytes, prevBytes, ms) => (prevBytes === undefined || ms <= 0 ? null : Math.max(0, Math.round(((bytes - prevBytes) * 8) / ms)));
const percent = (lost, total) => (total > 0 ? Math.round((1000 * lost) / total) / 10 : 0);

/** One quality sample: `{ at, caller: {...}, agent: {...} }`; caller = what we receive, agent = what we send. */
export async function sampleQuality(pc, previous) {
  const report = await pc.getStats();
  const at = performance.now();
  const ms = previous ? at - previous.at : 0;
  const inb = inboundOf(report);
  const out = outboundOf(report);
  const rin = remoteInboundOf(report);
  const caller = inb
    ? {
      width: inb.frameWidth ?? 0, height: inb.frameHeight ?? 0, fps: Math.round(inb.framesPerSecond ?? 0),
      framesDecoded: inb.framesDecoded ?? 0, bytes: inb.bytesReceived ?? 0,
      kbps: kbps(inb.bytesReceived ?? 0, previous?.caller?.bytes, ms),
      lossPercent: percent(inb.packetsLost ?? 0, (inb.packetsLost ?? 0) + (inb.packetsReceived ?? 0)),
    }
    : null;
  const agent = out
    ? {
      width: out.frameWidth ?? 0, height: out.frameHeight ?? 0, fps: Math.round(out.framesPerSecond ?? 0),
      bytes: out.bytesSent ?? 0, packetsSent: out.packetsSent ?? 0,
      kbps: kbps(out.bytesSent ?? 0, previous?.agent?.bytes, ms),
      // The far end's view of our stream (RTCP receiver reports), when it sends any.
      lossPercent: rin ? Math.round(1000 * (rin.fractionLost ?? 0)) / 10 : null,
    }
    : null;
  return { at, caller, agent };
}

/** Human text for one direction, e.g. "352×288 25 fps 480 kbit/s loss 0%". */
export function describeDirection(d, t) {
  if (!d) return "—";
  const parts = [d.width ? `${d.width}×${d.height}` : "—", `${d.fps} fps`, d.kbps === null ? "— kbit/s" : `${d.kbps} kbit/s`];
  if (d.lossPercent !== null && d.lossPercent !== undefined) parts.push(`${t("loss")} ${d.lossPercent}%`);
  return parts.join(" ");
}
