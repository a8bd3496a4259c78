/**
 * The media thread's event loop: its FdUdpSockets in one epoll set, each ready one drained with recvmmsg and its
 * datagrams handed to the socket's handler, plus a doorbell (eventfd) the main thread rings after posting a command
 * so that a wait returns at once. Blocks in epoll_wait: run it only on a thread of its own.
 */
import { DatagramBatch } from "./datagram-batch.ts";
import { Epoll, EventFd } from "./epoll.ts";
import { bindUdpFd, FdUdpSocket, type BoundFd } from "./fd-udp-socket.ts";
import type { LibcSocket } from "./libc-socket.ts";
import { createLogger } from "../../observability/log.ts";

const log = createLogger("media.loop");

export class MediaLoop {
  readonly doorbell: EventFd;
  private readonly epoll: Epoll;
  private readonly batch: DatagramBatch;
  /** By fd. */
  private readonly sockets: (FdUdpSocket | undefined)[] = [];
  private open = 0;
  private readonly ownsDoorbell: boolean;

  /** `doorbellFd`: an eventfd made (and closed) by the thread that rings it; made here when absent. */
  constructor(private readonly libc: LibcSocket, doorbellFd?: number) {
    this.epoll = new Epoll(libc);
    this.batch = new DatagramBatch(libc);
    this.doorbell = new EventFd(libc, doorbellFd);
    this.ownsDoorbell = doorbellFd === undefined;
    this.epoll.add(this.doorbell.fd);
  }

  get socketCount(): number { return this.open; }

  /** The loop's own fds (epoll, and the doorbell when made here). */
  get fds(): number[] { return this.ownsDoorbell ? [this.epoll.fd, this.doorbell.fd] : [this.epoll.fd]; }

  /** Binds a socket whose datagrams this loop delivers. Throws SocketBindError. */
  bind(host: string, port: number, receiveBufferBytes = 0): FdUdpSocket {
    return this.adopt(bindUdpFd(this.libc, host, port, receiveBufferBytes), host);
  }

  /** A socket bound elsewhere (another thread) whose datagrams this loop delivers from now on. */
  adopt(bound: BoundFd, host: string): FdUdpSocket {
    const socket = new FdUdpSocket(this.libc, bound, host, this.forget);
    this.epoll.add(socket.fd);
    this.sockets[socket.fd] = socket;
    this.open++;
    return socket;
  }

  /**
   * Delivers datagrams for up to `ms` (0: what is queued now, without waiting); returns as soon as the doorbell rang
   * with how many times it rang (commands posted), or 0 when the time ran out. Returns at least every `ms`, so the
   * caller's timers and messages run in between.
   */
  runFor(ms: number): number {
    const until = performance.now() + ms;
    const bell = this.doorbell.fd;
    for (;;) {
      const left = until - performance.now();
      const ready = this.epoll.wait(left > 0 ? Math.ceil(left) : 0);
      let rang = false;
      for (let e = 0; e < ready; e++) {
        const fd = this.epoll.readyFd(e);
        if (fd === bell) rang = true;
        else this.drain(fd);
      }
      if (rang) return this.doorbell.drain();
      if (left <= 0) return 0;
    }
  }

  /** Closes a bound fd handed to this loop that it could not take over. */
  closeUnadopted(bound: BoundFd): void { this.libc.symbols.close(bound.fd); }

  /** Closes every socket and the loop's own fds. */
  close(): void {
    for (const s of this.sockets) s?.close();
    this.epoll.close();
    if (this.ownsDoorbell) this.doorbell.close();
  }

  /** A few batches per wake-up, so that one flooded socket cannot starve the others (epoll reports it again). */
  private drain(fd: number): void {
    const batch = this.batch;
    for (let round = 0; round < 4; round++) {
      const socket = this.sockets[fd];
      if (socket === undefined) return; // closed by a handler of this batch
      const got = batch.receive(fd);
      for (let i = 0; i < got; i++) {
        try {
          socket.handler(batch.data(i), batch.port(i), batch.address(i), batch.truncated(i));
        } catch (err) {
          this.handlerFailed(err); // one datagram's bug must not take the thread, and every call on it, down
        }
        if (socket.closed) return;
      }
      if (got < DatagramBatch.capacity) return;
    }
  }

  private handlerFailures = 0;

  private handlerFailed(err: unknown): void {
    if (this.handlerFailures++ % 1000 === 0) log.error("a datagram handler threw; the datagram was dropped", { err, failures: this.handlerFailures });
  }

  private readonly forget = (socket: FdUdpSocket): void => {
    if (this.sockets[socket.fd] !== socket) return;
    this.sockets[socket.fd] = undefined;
    this.epoll.remove(socket.fd);
    this.open--;
  };
}
