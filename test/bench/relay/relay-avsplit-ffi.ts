// Design spike, not product code: avsplit's real per-packet work (the calls of avsplit-calls.ts, as relay-avsplit.ts)
// on sockets owned through bun:ffi and one epoll loop (as relay-bun-ffi.ts) instead of Bun.udpSocket: what a media
// thread with its own loop would cost per packet. The loop blocks in epoll_wait for at
// most 20 ms at a time, then lets Bun's event loop run (MediaEndpoint's timers) before waiting again.
// usage: bun relay-avsplit-ffi.ts <n> <sinkPort> <portsFile>
import { writeFileSync } from "node:fs";
import { ptr } from "bun:ffi";
import type { PortAllocation, PortPool } from "../../../src/media/ports/index.ts";
import type { DatagramHandler } from "../../../src/media/ports/media-socket.ts";
import { bridgedCalls } from "./avsplit-calls.ts";
import { DatagramBatch, Epoll, libc, MSG_DONTWAIT, sockaddrIn, udpSocket } from "./ffi-udp.ts";

const [n, sinkPort] = process.argv.slice(2, 4).map(Number);
const portsFile = process.argv[4];
const epoll = new Epoll();
const handlers: (DatagramHandler | null)[] = [];

/** The MediaSocket surface MediaEndpoint uses, on a raw fd. */
class FfiSocket {
  private address = "";
  private port_ = 0;
  private sockaddr = sockaddrIn(0);
  private sockaddrPtr = ptr(this.sockaddr);
  constructor(readonly fd: number, readonly host: string, readonly port: number) {}
  get closed(): boolean { return false; }
  onDatagram(handler: DatagramHandler | null): void { handlers[this.fd] = handler; }
  send(data: Uint8Array, port: number, address: string): boolean {
    if (port !== this.port_ || address !== this.address) {
      this.port_ = port;
      this.address = address;
      this.sockaddr.set(sockaddrIn(port, address));
    }
    return libc.sendto(this.fd, ptr(data), data.byteLength, MSG_DONTWAIT, this.sockaddrPtr, 16) >= 0;
  }
  close(): void { libc.close(this.fd); }
}

let nextPort = 43000;
const pool = {
  async allocate(): Promise<PortAllocation> {
    const port = nextPort;
    nextPort += 2;
    const socket = new FfiSocket(udpSocket(port, 512 * 1024), "127.0.0.1", port);
    epoll.add(socket.fd);
    return { rtpPort: port, rtcpPort: port + 1, rtp: socket as never, rtcp: null, release: () => socket.close() };
  },
} as unknown as PortPool;

writeFileSync(portsFile, (await bridgedCalls(pool, n, sinkPort)).join("\n") + "\n");

const batch = new DatagramBatch();
console.log("ready", `bun ${Bun.version} avsplit MediaEndpoint+Bridge on bun:ffi sockets + epoll`, n, "streams");
for (;;) {
  const until = Date.now() + 20;
  while (Date.now() < until) {
    const ready = epoll.wait(20);
    for (let e = 0; e < ready; e++) {
      const fd = epoll.readyFd(e);
      const handler = handlers[fd];
      for (;;) {
        const got = batch.receive(fd);
        for (let i = 0; i < got; i++) handler?.(batch.data(i), batch.port(i), batch.address(i), batch.truncated(i));
        if (got < DatagramBatch.size) break;
      }
    }
  }
  await new Promise((resolve) => setImmediate(resolve)); // the endpoints' timers (media timeout, stats) run here
}
