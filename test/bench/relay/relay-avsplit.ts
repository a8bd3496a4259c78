// avsplit's relay under the harness: n bridges, each MediaEndpoint A (blast -> A, latched) bridged to
// MediaEndpoint B (-> sink). Real per-packet work: RTP validation, latching, receive stats (loss, jitter),
// payload-type map, SSRC/seq/timestamp rewriting, send stats; media timeout and 1 s stats timers armed.
// B's SSRC is set to what blast used (0x5EED0000+i) so the sink's per-stream counts still apply.
// usage: bun relay-avsplit.ts <n> <sinkPort> <portsFile> [portRange]
// env AVSPLIT_RCVBUF: SO_RCVBUF bytes per socket (default: the pool's 4 MiB; 0 = kernel default, as the minimal relays)
import { writeFileSync } from "node:fs";
import { PortPool } from "../../../src/media/ports/index.ts";
import { Bridge, MediaEndpoint } from "../../../src/media/relay/index.ts";

const [n, sinkPort] = process.argv.slice(2, 4).map(Number);
const portsFile = process.argv[4];
const rcvbuf = process.env.AVSPLIT_RCVBUF;
const pool = new PortPool({ range: process.argv[5] ?? "43000-44999", receiveBufferBytes: rcvbuf === undefined ? undefined : Number(rcvbuf) });
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
writeFileSync(portsFile, ports.join("\n") + "\n");
console.log("ready", `bun ${Bun.version} avsplit MediaEndpoint+Bridge`, n, "streams");
