/**
 * One recvmmsg(2) of up to 16 datagrams into fixed buffers (Linux x86-64 struct mmsghdr), with each one's bytes,
 * source and MSG_TRUNC. The views handed out stay valid until the next receive().
 */
import { ptr, type Pointer } from "bun:ffi";
import type { LibcSocket } from "./libc-socket.ts";

const VLEN = 16;
/** Larger than any media datagram on an Ethernet path; a longer one is flagged truncated and dropped by the relay. */
const BUFFER_BYTES = 2048;
const MMSGHDR_BYTES = 64; // msghdr (56) + msg_len; msg_namelen at 8, msg_iov at 16, msg_iovlen at 24, msg_flags at 48, msg_len at 56
const SOCKADDR_BYTES = 16;
const MSG_DONTWAIT = 0x40;
const MSG_TRUNC = 0x20;

export class DatagramBatch {
  static readonly capacity = VLEN;
  private readonly buffers = new Uint8Array(VLEN * BUFFER_BYTES);
  private readonly names = new Uint8Array(VLEN * SOCKADDR_BYTES);
  private readonly iov = new BigUint64Array(VLEN * 2);
  private readonly msgs = new DataView(new ArrayBuffer(VLEN * MMSGHDR_BYTES));
  private readonly msgsPointer: Pointer;
  private readonly views = Array.from({ length: VLEN }, (_, i) => this.buffers.subarray(i * BUFFER_BYTES, (i + 1) * BUFFER_BYTES));
  /** Dotted strings by IPv4 address: sources repeat, so each is formatted once. */
  private readonly addresses = new Map<number, string>();
  /** Entries the last receive filled (their msg_namelen was overwritten by the kernel). */
  private filled = VLEN;

  constructor(private readonly libc: LibcSocket) {
    for (let i = 0; i < VLEN; i++) {
      this.iov[i * 2] = BigInt(ptr(this.buffers, i * BUFFER_BYTES));
      this.iov[i * 2 + 1] = BigInt(BUFFER_BYTES);
      this.msgs.setBigUint64(i * MMSGHDR_BYTES, BigInt(ptr(this.names, i * SOCKADDR_BYTES)), true);
      this.msgs.setBigUint64(i * MMSGHDR_BYTES + 16, BigInt(ptr(this.iov, i * 16)), true);
      this.msgs.setBigUint64(i * MMSGHDR_BYTES + 24, 1n, true);
    }
    this.msgsPointer = ptr(this.msgs);
  }

  /** Reads what fd has queued, up to the capacity; 0 when nothing (or on error). */
  receive(fd: number): number {
    for (let i = 0; i < this.filled; i++) this.msgs.setUint32(i * MMSGHDR_BYTES + 8, SOCKADDR_BYTES, true);
    const got = this.libc.symbols.recvmmsg(fd, this.msgsPointer, VLEN, MSG_DONTWAIT, null);
    this.filled = got > 0 ? got : 0;
    return this.filled;
  }

  data(i: number): Uint8Array {
    return this.views[i].subarray(0, Math.min(BUFFER_BYTES, this.msgs.getUint32(i * MMSGHDR_BYTES + 56, true)));
  }
  truncated(i: number): boolean { return (this.msgs.getInt32(i * MMSGHDR_BYTES + 48, true) & MSG_TRUNC) !== 0; }
  port(i: number): number { return (this.names[i * SOCKADDR_BYTES + 2] << 8) | this.names[i * SOCKADDR_BYTES + 3]; }
  address(i: number): string {
    const n = this.names, o = i * SOCKADDR_BYTES + 4;
    const ip = ((n[o] << 24) | (n[o + 1] << 16) | (n[o + 2] << 8) | n[o + 3]) >>> 0;
    let a = this.addresses.get(ip);
    if (a === undefined) {
      if (this.addresses.size >= 4096) this.addresses.clear(); // spoofed sources must not grow it without bound
      this.addresses.set(ip, (a = `${n[o]}.${n[o + 1]}.${n[o + 2]}.${n[o + 3]}`));
    }
    return a;
  }
}
