// avsplit's relay under the harness: the calls of avsplit-calls.ts on ports from the real PortPool, relayed where the
// appliance relays SIP audio: on the media thread (default), or on Bun's event loop (AVSPLIT_RELAY=main, [media]
// relay_thread = false).
// usage: bun relay-avsplit.ts <n> <sinkPort> <portsFile> [portRange]
// env AVSPLIT_RCVBUF: SO_RCVBUF bytes per socket (default: the pool's 512 KiB; 0 = kernel default, as the minimal relays)
import { writeFileSync } from "node:fs";
import { PortPool } from "../../../src/media/ports/index.ts";
import { LocalRelayLegs, type RelayLegFactory } from "../../../src/media/relay/index.ts";
import { MediaThread } from "../../../src/media/thread/index.ts";
import { systemClock } from "../../../src/util/clock.ts";
import { bridgedCalls } from "./avsplit-calls.ts";

const [n, sinkPort] = process.argv.slice(2, 4).map(Number);
const portsFile = process.argv[4];
const rcvbuf = process.env.AVSPLIT_RCVBUF === undefined ? undefined : Number(process.env.AVSPLIT_RCVBUF);
const pool = new PortPool({ range: process.argv[5] ?? "43000-44999", receiveBufferBytes: rcvbuf });
const onMain = process.env.AVSPLIT_RELAY === "main";
const legs: RelayLegFactory = onMain ? new LocalRelayLegs(pool, systemClock) : MediaThread.create({ pool, receiveBufferBytes: rcvbuf })!;
writeFileSync(portsFile, (await bridgedCalls(legs, n, sinkPort)).join("\n") + "\n");
console.log("ready", `bun ${Bun.version} avsplit ${onMain ? "MediaEndpoint+Bridge on Bun's event loop" : "media thread"}`, n, "streams");
setInterval(() => {}, 1 << 30); // the media thread's worker does not keep the process alive (the appliance's servers do)
