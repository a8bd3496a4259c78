// Minimal RTP relay without Bun's event loop: raw sockets through bun:ffi, one blocking epoll_wait loop,
// recvmmsg (8 per call, stop when fewer come) and sendto. Shows what media I/O off Bun's datagram path costs.
// usage: relay-bun-ffi.ts <aBase> <n> <sinkPort> <bBase>
import { dlopen, FFIType as T, ptr } from "bun:ffi";

const [aBase, n, sinkPort, bBase] = process.argv.slice(2).map(Number);
const { symbols: c } = dlopen("libc.so.6", {
  socket: { args: [T.i32, T.i32, T.i32], returns: T.i32 },
  bind: { args: [T.i32, T.ptr, T.u32], returns: T.i32 },
  epoll_create1: { args: [T.i32], returns: T.i32 },
  epoll_ctl: { args: [T.i32, T.i32, T.i32, T.ptr], returns: T.i32 },
  epoll_wait: { args: [T.i32, T.ptr, T.i32, T.i32], returns: T.i32 },
  recvmmsg: { args: [T.i32, T.ptr, T.u32, T.i32, T.ptr], returns: T.i32 },
  sendto: { args: [T.i32, T.ptr, T.u64, T.i32, T.ptr, T.u32], returns: T.i64 },
});
const AF_INET = 2, SOCK_DGRAM_NONBLOCK = 2 | 0o4000, EPOLL_CTL_ADD = 1, EPOLLIN = 1, MSG_DONTWAIT = 0x40;
const sockaddrIn = (port: number) => { const b = new Uint8Array(16); b[0] = AF_INET; b[2] = port >> 8; b[3] = port & 255; b.set([127, 0, 0, 1], 4); return b; };
const udp = (port: number) => {
  const fd = c.socket(AF_INET, SOCK_DGRAM_NONBLOCK, 0);
  if (fd < 0 || c.bind(fd, ptr(sockaddrIn(port)), 16) !== 0) throw new Error(`bind 127.0.0.1:${port} failed`);
  return fd;
};
const ep = c.epoll_create1(0);
const outFd = new Int32Array(65536);
const ev = new DataView(new ArrayBuffer(12)); // struct epoll_event is packed on x86-64: u32 events, u64 data
for (let i = 0; i < n; i++) {
  const a = udp(aBase + i);
  outFd[a] = udp(bBase + i);
  ev.setUint32(0, EPOLLIN, true);
  ev.setUint32(4, a, true);
  c.epoll_ctl(ep, EPOLL_CTL_ADD, a, ptr(ev));
}
const VLEN = 8, MAX_EVENTS = 64, BUF = 2048, MMSG = 64; // sizeof(struct mmsghdr) on x86-64; msg_len at 56
const bufs = new Uint8Array(VLEN * BUF), iov = new BigUint64Array(VLEN * 2), msgs = new DataView(new ArrayBuffer(VLEN * MMSG));
for (let i = 0; i < VLEN; i++) {
  iov[i * 2] = BigInt(ptr(bufs, i * BUF));
  iov[i * 2 + 1] = BigInt(BUF);
  msgs.setBigUint64(i * MMSG + 16, BigInt(ptr(iov, i * 16)), true); // msg_iov
  msgs.setBigUint64(i * MMSG + 24, 1n, true); // msg_iovlen
}
const events = new DataView(new ArrayBuffer(MAX_EVENTS * 12));
const sink = sockaddrIn(sinkPort), sinkPtr = ptr(sink), eventsPtr = ptr(events), msgsPtr = ptr(msgs), bufsPtr = ptr(bufs);
console.log("ready", `bun ${Bun.version} bun:ffi epoll + recvmmsg + sendto`, n, "streams");
for (;;) {
  const ready = c.epoll_wait(ep, eventsPtr, MAX_EVENTS, -1);
  for (let e = 0; e < ready; e++) {
    const fd = events.getUint32(e * 12 + 4, true);
    for (;;) {
      const got = c.recvmmsg(fd, msgsPtr, VLEN, MSG_DONTWAIT, null);
      for (let i = 0; i < got; i++) c.sendto(outFd[fd], bufsPtr + i * BUF, msgs.getUint32(i * MMSG + 56, true), MSG_DONTWAIT, sinkPtr, 16);
      if (got < VLEN) break;
    }
  }
}
