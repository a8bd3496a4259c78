// The calls both avsplit relays under the harness set up: n × (MediaEndpoint A (blast -> A, latched) ⇄ Bridge ⇄
// MediaEndpoint B (-> sink)), with the real per-packet work: RTP validation, latching, receive stats (loss, jitter),
// payload-type map, SSRC/seq/timestamp rewriting, send stats; media timeout and 1 s stats timers armed.
// B's SSRC is what blast used (0x5EED0000+i), so the sink's per-stream counts still apply. Returns A's ports.
import type { PortPool } from "../../../src/media/ports/index.ts";
import { Bridge, MediaEndpoint } from "../../../src/media/relay/index.ts";

export async function bridgedCalls(pool: PortPool, n: number, sinkPort: number): Promise<number[]> {
  const ports: number[] = [];
  for (let i = 0; i < n; i++) {
    const common = { pool, kind: "audio" as const, rtcpMux: true, mediaTimeoutMs: 30_000, statsIntervalMs: 1000 };
    const a = await MediaEndpoint.create({ ...common, label: `a${i}` });
    const b = await MediaEndpoint.create({
      ...common, label: `b${i}`, remote: { address: "127.0.0.1", port: sinkPort }, ssrc: (0x5eed0000 + i) >>> 0,
    });
    new Bridge(a, b, { aToB: { payloadTypes: { 0: 0, 101: 101 }, dropUnlisted: true } });
    ports.push(a.rtpPort);
  }
  return ports;
}
