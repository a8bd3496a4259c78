/**
 * SO_RCVBUF for Bun.udpSocket, which has no option for it: setsockopt(2) on the socket's fd (libc-socket.ts).
 * A larger buffer than the 208 KiB default absorbs longer event-loop stalls (GC, a busy box).
 * The kernel caps the value at net.core.rmem_max and doubles it. Where libc cannot be used, sockets keep the
 * kernel default (returns null).
 */
import { libcSocket } from "./libc-socket.ts";

const SOL_SOCKET = 1;
const SO_RCVBUF = 8;

/** Sets SO_RCVBUF to `bytes`; returns the size the kernel reports afterwards, or null if it could not be set. */
export function setReceiveBuffer(fd: number, bytes: number): number | null {
  return libcSocket()?.setIntOption(fd, SOL_SOCKET, SO_RCVBUF, bytes) ?? null;
}
