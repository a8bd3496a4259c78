// Minimal RTP relay without Bun's event loop: avsplit's MediaLoop (raw sockets through bun:ffi, one epoll loop,
// recvmmsg, sendto), each datagram sent on as it is. Shows what media I/O off Bun's datagram path costs.
// usage: relay-bun-ffi.ts <aBase> <n> <sinkPort> <bBase>
import { libcSocket } from "../../../src/media/ports/libc-socket.ts";
import { MediaLoop } from "../../../src/media/ports/media-loop.ts";

const [aBase, n, sinkPort, bBase] = process.argv.slice(2).map(Number);
const loop = new MediaLoop(libcSocket()!);
for (let i = 0; i < n; i++) {
  const a = loop.bind("127.0.0.1", aBase + i);
  const b = loop.bind("127.0.0.1", bBase + i);
  a.onDatagram((data) => b.send(data, sinkPort, "127.0.0.1"));
}
console.log("ready", `bun ${Bun.version} bun:ffi MediaLoop (epoll + recvmmsg + sendto)`, n, "streams");
for (;;) loop.runFor(1000);
