/**
 * Sends a UDP socket's datagrams with libc sendto on its fd, the sockaddr of the last destination kept prepared
 * (media goes to one peer for long stretches). Destinations that are not IPv4 literals, and sockets whose family
 * does not take a sockaddr_in, go through `fallback` (the socket's own send) instead.
 */
import { libcSocket, type LibcSocket, type PreparedAddress } from "./libc-socket.ts";

export type DatagramSend = (data: Uint8Array, port: number, address: string) => boolean;

const EINVAL = 22;
const EAFNOSUPPORT = 97;
const ECONNREFUSED = 111;

interface Target { address: string; port: number; sockaddr: PreparedAddress | null }

export class FdDatagramSender {
  private target: Target | null = null;

  private constructor(private readonly libc: LibcSocket, private readonly fd: number, private readonly fallback: DatagramSend) {}

  /**
   * The cheaper send for `fd` (`fallback` alone when there is no fd or libc is unavailable). `fallback` may throw, as Bun's send does
   * (EACCES for a broadcast address, a pending ECONNREFUSED): that counts as a refused datagram.
   */
  static for(fd: number | null, fallback: DatagramSend, libc: LibcSocket | null = libcSocket()): DatagramSend {
    const safeFallback: DatagramSend = (data, port, address) => {
      try {
        return fallback(data, port, address);
      } catch {
        return false;
      }
    };
    if (fd === null || libc === null) return safeFallback;
    const sender = new FdDatagramSender(libc, fd, safeFallback);
    return (data, port, address) => sender.send(data, port, address);
  }

  send(data: Uint8Array, port: number, address: string): boolean {
    let t = this.target;
    if (t === null || t.port !== port || t.address !== address) {
      t = this.target = { address, port, sockaddr: this.libc.prepareIPv4(address, port) };
    }
    // bun:ffi has no pointer to empty memory: an empty datagram goes the socket's own way
    if (t.sockaddr === null || data.byteLength === 0) return this.fallback(data, port, address);
    const err = this.libc.sendTo(this.fd, data, t.sockaddr);
    if (err === 0) return true;
    // an ICMP port-unreachable for an earlier datagram is reported once, by the next call: this one was not sent
    if (err === ECONNREFUSED) return this.libc.sendTo(this.fd, data, t.sockaddr) === 0;
    if (err === EAFNOSUPPORT || err === EINVAL) {
      t.sockaddr = null;
      return this.fallback(data, port, address);
    }
    return false; // queue full (EAGAIN), unreachable, not permitted: dropped, as the socket's own send would
  }
}
