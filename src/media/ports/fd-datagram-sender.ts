/**
 * Sends a UDP socket's datagrams with libc sendto on its fd, the sockaddr of the last destination kept prepared
 * (media goes to one peer for long stretches). Destinations that are not IPv4 literals, and any destination the
 * fd refuses while the socket's own send takes it (say, an IPv6-only socket), go through `fallback` from then on.
 */
import { libcSocket, type LibcSocket, type PreparedAddress } from "./libc-socket.ts";

export type DatagramSend = (data: Uint8Array, port: number, address: string) => boolean;

interface Target { address: string; port: number; sockaddr: PreparedAddress | null }

export class FdDatagramSender {
  private target: Target | null = null;

  private constructor(private readonly libc: LibcSocket, private readonly fd: number, private readonly fallback: DatagramSend) {}

  /** The cheaper send for `fd`, or `fallback` itself when libc is unavailable. */
  static for(fd: number, fallback: DatagramSend): DatagramSend {
    const libc = libcSocket();
    if (libc === null) return fallback;
    const sender = new FdDatagramSender(libc, fd, fallback);
    return (data, port, address) => sender.send(data, port, address);
  }

  send(data: Uint8Array, port: number, address: string): boolean {
    let t = this.target;
    if (t === null || t.port !== port || t.address !== address) {
      t = this.target = { address, port, sockaddr: this.libc.prepareIPv4(address, port) };
    }
    if (t.sockaddr === null) return this.fallback(data, port, address);
    if (this.libc.sendTo(this.fd, data, t.sockaddr)) return true;
    if (!this.fallback(data, port, address)) return false; // a full send queue refuses both
    t.sockaddr = null;
    return true;
  }
}
