// The calls both avsplit relays under the harness set up: n × (leg A (blast -> A, latched) ⇄ bridge ⇄ leg B
// (-> sink)), with the real per-packet work: RTP validation, latching, receive stats (loss, jitter), payload-type map,
// SSRC/seq/timestamp rewriting, send stats; media timeout armed. B's SSRC is what blast used (0x5EED0000+i), so the
// sink's per-stream counts still apply. Returns A's ports.
import type { RelayLegFactory } from "../../../src/media/relay/index.ts";

export async function bridgedCalls(legs: RelayLegFactory, n: number, sinkPort: number): Promise<number[]> {
  const ports: number[] = [];
  for (let i = 0; i < n; i++) {
    const common = { kind: "audio" as const, rtcpMux: true, mediaTimeoutMs: 30_000 };
    const a = await legs.createLeg({ ...common, label: `a${i}` });
    const b = await legs.createLeg({ ...common, label: `b${i}`, ssrc: (0x5eed0000 + i) >>> 0 });
    b.setRemote({ address: "127.0.0.1", port: sinkPort });
    legs.bridge(a, b, { aToB: { payloadTypes: { 0: 0, 101: 101 }, dropUnlisted: true } });
    ports.push(a.rtpPort);
  }
  return ports;
}
