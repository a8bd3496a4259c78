// Minimal RTP relay without Bun's event loop: raw sockets through bun:ffi, one blocking epoll_wait loop,
// recvmmsg (8 per call, stop when fewer come) and sendto. Shows what media I/O off Bun's datagram path costs.
// usage: relay-bun-ffi.ts <aBase> <n> <sinkPort> <bBase>
import { ptr } from "bun:ffi";
import { DatagramBatch, Epoll, libc, MSG_DONTWAIT, sockaddrIn, udpSocket } from "./ffi-udp.ts";

const [aBase, n, sinkPort, bBase] = process.argv.slice(2).map(Number);
const epoll = new Epoll();
const outFd = new Int32Array(65536);
for (let i = 0; i < n; i++) {
  const a = udpSocket(aBase + i);
  outFd[a] = udpSocket(bBase + i);
  epoll.add(a);
}
const batch = new DatagramBatch();
const sink = sockaddrIn(sinkPort), sinkPtr = ptr(sink);
console.log("ready", `bun ${Bun.version} bun:ffi epoll + recvmmsg + sendto`, n, "streams");
for (;;) {
  const ready = epoll.wait(-1);
  for (let e = 0; e < ready; e++) {
    const fd = epoll.readyFd(e);
    for (;;) {
      const got = batch.receive(fd);
      for (let i = 0; i < got; i++) libc.sendto(outFd[fd], batch.buffersPtr + batch.offset(i), batch.length(i), MSG_DONTWAIT, sinkPtr, 16);
      if (got < DatagramBatch.size) break;
    }
  }
}
