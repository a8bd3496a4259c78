/**
 * A media port's UDP socket owned through bun:ffi (socket/bind on the fd, recvmmsg by MediaLoop, sendto), for the
 * media thread, whose loop waits in epoll instead of Bun's event loop (docs/media-thread.md: Bun's per-datagram
 * receive path is what kept the relay above rtpengine's CPU per packet at low rates). Fds are the process's: one
 * thread may bind (bindUdpFd) and another adopt the fd (new FdUdpSocket). Datagrams handed to the handler are views
 * on the loop's receive buffer: valid during the call only.
 */
import { ptr } from "bun:ffi";
import { FdDatagramSender, type DatagramSend } from "./fd-datagram-sender.ts";
import { sockaddrIPv4, type LibcSocket } from "./libc-socket.ts";
import type { DatagramHandler, DatagramSocket } from "./media-socket.ts";

const AF_INET = 2;
const SOCK_DGRAM = 2;
const SOCK_NONBLOCK = 0o4000;
const SOCK_CLOEXEC = 0o2000000;
const SOL_SOCKET = 1;
const SO_RCVBUF = 8;
const ERRNO_CODES: Record<number, string> = { 98: "EADDRINUSE", 99: "EADDRNOTAVAIL", 13: "EACCES", 24: "EMFILE", 23: "ENFILE" };

/** bind(2) failed; `code` as Node names it (EADDRINUSE when another socket holds the port). */
export class SocketBindError extends Error {
  override readonly name = "SocketBindError";
  constructor(readonly code: string, host: string, port: number) {
    super(`cannot bind UDP ${host}:${port}: ${code}`);
  }
}

/** A bound non-blocking, close-on-exec UDP socket's fd, the port it got, and SO_RCVBUF as the kernel reports it. */
export interface BoundFd { fd: number; port: number; receiveBufferBytes: number | null }

/** Binds host:port (IPv4 literal; port 0 = any); `receiveBufferBytes` > 0 sets SO_RCVBUF. Throws SocketBindError. */
export function bindUdpFd(libc: LibcSocket, host: string, port: number, receiveBufferBytes: number): BoundFd {
  const address = sockaddrIPv4(host, port);
  if (address === null) throw new SocketBindError("EAFNOSUPPORT", host, port);
  const s = libc.symbols;
  const fd = s.socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) throw new SocketBindError(errnoCode(libc.errno()), host, port);
  if (s.bind(fd, ptr(address), 16) !== 0) {
    const code = errnoCode(libc.errno());
    s.close(fd);
    throw new SocketBindError(code, host, port);
  }
  s.getsockname(fd, ptr(address), ptr(new Uint32Array([16])));
  return {
    fd,
    port: (address[2] << 8) | address[3],
    receiveBufferBytes: receiveBufferBytes > 0 ? libc.setIntOption(fd, SOL_SOCKET, SO_RCVBUF, receiveBufferBytes) : null,
  };
}

const ignore: DatagramHandler = () => {};
const refused: DatagramSend = () => false;

export class FdUdpSocket implements DatagramSocket {
  readonly ownsData = false;
  /** Called by the loop for each datagram read from fd. */
  handler: DatagramHandler = ignore;
  private sendDatagram: DatagramSend;
  private isClosed = false;

  readonly fd: number;
  readonly port: number;
  readonly receiveBufferBytes: number | null;

  /** Takes over a bound fd (closed with this socket). */
  constructor(private readonly libc: LibcSocket, bound: BoundFd, readonly host: string, private readonly onClose: (socket: FdUdpSocket) => void) {
    this.fd = bound.fd;
    this.port = bound.port;
    this.receiveBufferBytes = bound.receiveBufferBytes;
    this.sendDatagram = FdDatagramSender.for(bound.fd, refused, libc);
  }

  get closed(): boolean { return this.isClosed; }

  onDatagram(handler: DatagramHandler | null): void { this.handler = handler ?? ignore; }

  send(data: Uint8Array, port: number, address: string): boolean { return this.sendDatagram(data, port, address); }

  close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.handler = ignore;
    this.sendDatagram = refused;
    this.onClose(this);
    this.libc.symbols.close(this.fd);
  }
}

function errnoCode(errno: number): string {
  return ERRNO_CODES[errno] ?? `errno ${errno}`;
}
