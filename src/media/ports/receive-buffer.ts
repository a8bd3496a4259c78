/**
 * SO_RCVBUF for Bun.udpSocket, which has no option for it: setsockopt(2) on the socket's fd through bun:ffi.
 * A larger buffer than the 208 KiB default absorbs longer event-loop stalls (GC, a busy box).
 * The kernel caps the value at net.core.rmem_max and doubles it. Linux only; elsewhere, or if libc cannot be
 * loaded, sockets keep the kernel default (returns null).
 */
import { createLogger } from "../../observability/log.ts";

const SOL_SOCKET = 1;
const SO_RCVBUF = 8;
const log = createLogger("media.ports");

type SockOpt = (fd: number, level: number, name: number, value: Int32Array) => number | null;
let setsockopt: SockOpt | null | undefined;

async function loadSetsockopt(): Promise<SockOpt | null> {
  if (process.platform !== "linux") return null;
  try {
    const { dlopen, FFIType, ptr } = await import("bun:ffi");
    const libc = dlopen("libc.so.6", {
      setsockopt: { args: [FFIType.i32, FFIType.i32, FFIType.i32, FFIType.ptr, FFIType.u32], returns: FFIType.i32 },
      getsockopt: { args: [FFIType.i32, FFIType.i32, FFIType.i32, FFIType.ptr, FFIType.ptr], returns: FFIType.i32 },
    });
    const len = new Uint32Array(1);
    return (fd, level, name, value) => {
      if (libc.symbols.setsockopt(fd, level, name, ptr(value), 4) !== 0) return null;
      len[0] = 4;
      return libc.symbols.getsockopt(fd, level, name, ptr(value), ptr(len)) === 0 ? value[0] : null;
    };
  } catch (err) {
    log.warn("cannot set UDP receive buffers (bun:ffi/libc unavailable); kernel default kept", { err });
    return null;
  }
}

/** Sets SO_RCVBUF to `bytes`; returns the size the kernel reports afterwards, or null if it could not be set. */
export async function setReceiveBuffer(fd: number, bytes: number): Promise<number | null> {
  if (setsockopt === undefined) setsockopt = await loadSetsockopt();
  return setsockopt ? setsockopt(fd, SOL_SOCKET, SO_RCVBUF, new Int32Array([bytes])) : null;
}
