// Raw UDP sockets, epoll and batched receive through bun:ffi (Linux x86-64), for the relays in this directory that
// run without Bun's event loop (relay-bun-ffi.ts, relay-avsplit-ffi.ts).
import { dlopen, FFIType as T, ptr } from "bun:ffi";

export const { symbols: libc } = dlopen("libc.so.6", {
  socket: { args: [T.i32, T.i32, T.i32], returns: T.i32 },
  bind: { args: [T.i32, T.ptr, T.u32], returns: T.i32 },
  close: { args: [T.i32], returns: T.i32 },
  setsockopt: { args: [T.i32, T.i32, T.i32, T.ptr, T.u32], returns: T.i32 },
  epoll_create1: { args: [T.i32], returns: T.i32 },
  epoll_ctl: { args: [T.i32, T.i32, T.i32, T.ptr], returns: T.i32 },
  epoll_wait: { args: [T.i32, T.ptr, T.i32, T.i32], returns: T.i32 },
  recvmmsg: { args: [T.i32, T.ptr, T.u32, T.i32, T.ptr], returns: T.i32 },
  sendto: { args: [T.i32, T.ptr, T.u64, T.i32, T.ptr, T.u32], returns: T.i64 },
});
const AF_INET = 2, SOCK_DGRAM_NONBLOCK = 2 | 0o4000, EPOLL_CTL_ADD = 1, EPOLLIN = 1, SOL_SOCKET = 1, SO_RCVBUF = 8;
export const MSG_DONTWAIT = 0x40;
const MSG_TRUNC = 0x20;

/** sockaddr_in for 127.0.0.1:port (or another dotted IPv4 address). */
export function sockaddrIn(port: number, address = "127.0.0.1"): Uint8Array {
  const b = new Uint8Array(16);
  b[0] = AF_INET;
  b[2] = port >> 8;
  b[3] = port & 255;
  b.set(address.split(".").map(Number), 4);
  return b;
}

/** A non-blocking UDP socket bound to 127.0.0.1:port, SO_RCVBUF set when `receiveBuffer` > 0. */
export function udpSocket(port: number, receiveBuffer = 0): number {
  const fd = libc.socket(AF_INET, SOCK_DGRAM_NONBLOCK, 0);
  if (fd < 0 || libc.bind(fd, ptr(sockaddrIn(port)), 16) !== 0) throw new Error(`bind 127.0.0.1:${port} failed`);
  if (receiveBuffer > 0) libc.setsockopt(fd, SOL_SOCKET, SO_RCVBUF, ptr(new Int32Array([receiveBuffer])), 4);
  return fd;
}

/** An epoll set; wait() blocks up to timeoutMs (-1: forever) and returns how many fds are ready (fd(i) for each). */
export class Epoll {
  private readonly fd = libc.epoll_create1(0);
  private readonly ev = new DataView(new ArrayBuffer(12)); // struct epoll_event is packed on x86-64: u32 events, u64 data
  private readonly events: DataView;
  private readonly eventsPtr: number;
  constructor(private readonly maxEvents = 64) {
    this.events = new DataView(new ArrayBuffer(maxEvents * 12));
    this.eventsPtr = ptr(this.events);
  }
  add(fd: number): void {
    this.ev.setUint32(0, EPOLLIN, true);
    this.ev.setUint32(4, fd, true);
    libc.epoll_ctl(this.fd, EPOLL_CTL_ADD, fd, ptr(this.ev));
  }
  wait(timeoutMs: number): number { return libc.epoll_wait(this.fd, this.eventsPtr, this.maxEvents, timeoutMs); }
  readyFd(i: number): number { return this.events.getUint32(i * 12 + 4, true); }
}

const VLEN = 8, BUF = 2048, MMSG = 64; // sizeof(struct mmsghdr) on x86-64; msg_flags at 48, msg_len at 56

/** recvmmsg of up to 8 datagrams into fixed buffers, with each one's bytes, source and MSG_TRUNC. */
export class DatagramBatch {
  static readonly size = VLEN;
  readonly buffers = new Uint8Array(VLEN * BUF);
  readonly buffersPtr = ptr(this.buffers);
  private readonly names = new Uint8Array(VLEN * 16);
  private readonly iov = new BigUint64Array(VLEN * 2);
  private readonly msgs = new DataView(new ArrayBuffer(VLEN * MMSG));
  private readonly msgsPtr = ptr(this.msgs);
  private readonly views = Array.from({ length: VLEN }, (_, i) => this.buffers.subarray(i * BUF, (i + 1) * BUF));
  private readonly addresses = new Map<number, string>();

  constructor() {
    for (let i = 0; i < VLEN; i++) {
      this.iov[i * 2] = BigInt(ptr(this.buffers, i * BUF));
      this.iov[i * 2 + 1] = BigInt(BUF);
      this.msgs.setBigUint64(i * MMSG, BigInt(ptr(this.names, i * 16)), true); // msg_name
      this.msgs.setBigUint64(i * MMSG + 16, BigInt(ptr(this.iov, i * 16)), true); // msg_iov
      this.msgs.setBigUint64(i * MMSG + 24, 1n, true); // msg_iovlen
    }
  }

  /** Datagrams read from fd (0 when none). */
  receive(fd: number): number {
    for (let i = 0; i < VLEN; i++) this.msgs.setUint32(i * MMSG + 8, 16, true); // msg_namelen
    return Math.max(0, libc.recvmmsg(fd, this.msgsPtr, VLEN, MSG_DONTWAIT, null));
  }
  offset(i: number): number { return i * BUF; }
  length(i: number): number { return this.msgs.getUint32(i * MMSG + 56, true); }
  data(i: number): Uint8Array { return this.views[i].subarray(0, this.length(i)); }
  truncated(i: number): boolean { return (this.msgs.getInt32(i * MMSG + 48, true) & MSG_TRUNC) !== 0; }
  port(i: number): number { return this.names[i * 16 + 2] << 8 | this.names[i * 16 + 3]; }
  address(i: number): string {
    const n = this.names, o = i * 16 + 4;
    const ip = (n[o] << 24 | n[o + 1] << 16 | n[o + 2] << 8 | n[o + 3]) >>> 0;
    let a = this.addresses.get(ip);
    if (a === undefined) this.addresses.set(ip, a = `${n[o]}.${n[o + 1]}.${n[o + 2]}.${n[o + 3]}`);
    return a;
  }
}
