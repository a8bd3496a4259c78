// avsplit's relay under the harness: the calls of avsplit-calls.ts on Bun.udpSocket ports from the real PortPool.
// usage: bun relay-avsplit.ts <n> <sinkPort> <portsFile> [portRange]
// env AVSPLIT_RCVBUF: SO_RCVBUF bytes per socket (default: the pool's 512 KiB; 0 = kernel default, as the minimal relays)
import { writeFileSync } from "node:fs";
import { PortPool } from "../../../src/media/ports/index.ts";
import { bridgedCalls } from "./avsplit-calls.ts";

const [n, sinkPort] = process.argv.slice(2, 4).map(Number);
const portsFile = process.argv[4];
const rcvbuf = process.env.AVSPLIT_RCVBUF;
const pool = new PortPool({ range: process.argv[5] ?? "43000-44999", receiveBufferBytes: rcvbuf === undefined ? undefined : Number(rcvbuf) });
writeFileSync(portsFile, (await bridgedCalls(pool, n, sinkPort)).join("\n") + "\n");
console.log("ready", `bun ${Bun.version} avsplit MediaEndpoint+Bridge`, n, "streams");
