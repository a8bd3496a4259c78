/** epoll(7) and eventfd(2) through bun:ffi (Linux x86-64: struct epoll_event is packed, 12 bytes). */
import { ptr, type Pointer } from "bun:ffi";
import type { LibcSocket } from "./libc-socket.ts";

const EPOLL_CTL_ADD = 1;
const EPOLL_CTL_DEL = 2;
const EPOLLIN = 1;
const EVENT_BYTES = 12;
const EFD_NONBLOCK = 0o4000;
const EFD_CLOEXEC = 0o2000000;

export class Epoll {
  readonly fd: number;
  private readonly event = new DataView(new ArrayBuffer(EVENT_BYTES));
  private readonly events: DataView;
  private readonly eventsPointer: Pointer;

  constructor(private readonly libc: LibcSocket, private readonly maxEvents = 128) {
    this.fd = libc.symbols.epoll_create1(EFD_CLOEXEC);
    if (this.fd < 0) throw new Error(`epoll_create1 failed (errno ${libc.errno()})`);
    this.events = new DataView(new ArrayBuffer(maxEvents * EVENT_BYTES));
    this.eventsPointer = ptr(this.events);
  }

  /** Watches fd for input (level-triggered); the fd itself is what readyFd() returns. */
  add(fd: number): void {
    this.event.setUint32(0, EPOLLIN, true);
    this.event.setUint32(4, fd, true);
    this.event.setUint32(8, 0, true);
    if (this.libc.symbols.epoll_ctl(this.fd, EPOLL_CTL_ADD, fd, ptr(this.event)) !== 0) {
      throw new Error(`epoll_ctl ADD ${fd} failed (errno ${this.libc.errno()})`);
    }
  }

  remove(fd: number): void { this.libc.symbols.epoll_ctl(this.fd, EPOLL_CTL_DEL, fd, ptr(this.event)); }

  /** Blocks up to timeoutMs for input; returns how many fds are ready (0 on timeout or EINTR). */
  wait(timeoutMs: number): number {
    const n = this.libc.symbols.epoll_wait(this.fd, this.eventsPointer, this.maxEvents, timeoutMs);
    return n > 0 ? n : 0;
  }

  readyFd(i: number): number { return this.events.getUint32(i * EVENT_BYTES + 4, true); }

  close(): void { this.libc.symbols.close(this.fd); }
}

/** A counter another thread increments to wake a thread blocked in epoll_wait on it (one per message it posted). */
export class EventFd {
  readonly fd: number;
  private readonly one = new BigUint64Array([1n]);
  private readonly sink = new BigUint64Array(1);

  /** A new eventfd, or (fd given) one created elsewhere in this process. */
  constructor(private readonly libc: LibcSocket, fd?: number) {
    this.fd = fd ?? libc.symbols.eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (this.fd < 0) throw new Error(`eventfd failed (errno ${libc.errno()})`);
  }

  signal(): void { this.libc.symbols.write(this.fd, ptr(this.one), 8); }

  /** Reads and resets the counter: how many signals since the last drain. */
  drain(): number {
    this.sink[0] = 0n;
    this.libc.symbols.read(this.fd, ptr(this.sink), 8);
    return Number(this.sink[0]);
  }

  close(): void { this.libc.symbols.close(this.fd); }
}
