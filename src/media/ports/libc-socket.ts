/**
 * The libc socket calls Bun's UDP sockets lack or make dearer, through bun:ffi: setsockopt/getsockopt (SO_RCVBUF has
 * no Bun option), sendto (Bun's send goes through sendmmsg and parses the address string on every call; sendto with a
 * prepared sockaddr costs ~0.45 µs less per packet, docs/bench/relay.md), and what the media thread needs to own its
 * sockets without Bun's event loop: socket/bind/getsockname/close, recvmmsg, epoll and eventfd (media-loop.ts).
 * Linux x86-64 struct layouts. null elsewhere or when libc cannot be loaded, and callers keep Bun's own paths.
 */
import { dlopen, FFIType as T, ptr, read, type Pointer } from "bun:ffi";
import { createLogger } from "../../observability/log.ts";

const log = createLogger("media.ports");
const AF_INET = 2;
const MSG_DONTWAIT = 0x40;
const MSG_NOSIGNAL = 0x4000;

/** A sockaddr kept alive together with its native pointer (built once per destination). */
export interface PreparedAddress { readonly bytes: Uint8Array; readonly pointer: Pointer }

const SYMBOLS = {
  setsockopt: { args: [T.i32, T.i32, T.i32, T.ptr, T.u32], returns: T.i32 },
  getsockopt: { args: [T.i32, T.i32, T.i32, T.ptr, T.ptr], returns: T.i32 },
  sendto: { args: [T.i32, T.ptr, T.u64, T.i32, T.ptr, T.u32], returns: T.i64 },
  socket: { args: [T.i32, T.i32, T.i32], returns: T.i32 },
  bind: { args: [T.i32, T.ptr, T.u32], returns: T.i32 },
  getsockname: { args: [T.i32, T.ptr, T.ptr], returns: T.i32 },
  close: { args: [T.i32], returns: T.i32 },
  recvmmsg: { args: [T.i32, T.ptr, T.u32, T.i32, T.ptr], returns: T.i32 },
  epoll_create1: { args: [T.i32], returns: T.i32 },
  epoll_ctl: { args: [T.i32, T.i32, T.i32, T.ptr], returns: T.i32 },
  epoll_wait: { args: [T.i32, T.ptr, T.i32, T.i32], returns: T.i32 },
  eventfd: { args: [T.u32, T.i32], returns: T.i32 },
  read: { args: [T.i32, T.ptr, T.u64], returns: T.i64 },
  write: { args: [T.i32, T.ptr, T.u64], returns: T.i64 },
  __errno_location: { args: [], returns: T.ptr },
} as const;

export type LibcSymbols = ReturnType<typeof dlopen<typeof SYMBOLS>>["symbols"];

export interface LibcSocket {
  /** The raw calls, for the media thread's own sockets and loop. */
  readonly symbols: LibcSymbols;
  /** errno of the last failed call on this thread. */
  errno(): number;
  /** Sets an int option and returns what the kernel reports afterwards, or null on failure. */
  setIntOption(fd: number, level: number, name: number, value: number): number | null;
  /** A sockaddr_in for an IPv4 literal (null for anything else: IPv6 and names stay on Bun's send). */
  prepareIPv4(address: string, port: number): PreparedAddress | null;
  /** One datagram to a prepared sockaddr, never blocking: 0 when the kernel took it, else the errno. */
  sendTo(fd: number, data: Uint8Array, to: PreparedAddress): number;
}

let loaded: LibcSocket | null | undefined;

export function libcSocket(): LibcSocket | null {
  if (loaded === undefined) loaded = load();
  return loaded;
}

function load(): LibcSocket | null {
  if (process.platform !== "linux" || process.arch !== "x64") return null;
  try {
    const { symbols } = dlopen("libc.so.6", SYMBOLS);
    const errno = () => read.i32(symbols.__errno_location()!);
    const value = new Int32Array(1);
    const len = new Uint32Array(1);
    const sendto = symbols.sendto;
    return {
      symbols,
      errno,
      setIntOption(fd, level, name, v) {
        value[0] = v;
        if (symbols.setsockopt(fd, level, name, ptr(value), 4) !== 0) return null;
        len[0] = 4;
        return symbols.getsockopt(fd, level, name, ptr(value), ptr(len)) === 0 ? value[0] : null;
      },
      prepareIPv4(address, port) {
        if (port < 1) return null;
        const bytes = sockaddrIPv4(address, port);
        return bytes && { bytes, pointer: ptr(bytes) };
      },
      sendTo: (fd, data, to) => (sendto(fd, ptr(data), data.byteLength, MSG_DONTWAIT | MSG_NOSIGNAL, to.pointer, 16) >= 0 ? 0 : errno()),
    };
  } catch (err) {
    log.warn("libc socket calls unavailable (bun:ffi); Bun's UDP send and the kernel default receive buffer are used", { err });
    return null;
  }
}

/** sockaddr_in for an IPv4 literal and port 0-65535 (0: any, for bind), or null. */
export function sockaddrIPv4(address: string, port: number): Uint8Array | null {
  const octets = ipv4Octets(address);
  if (octets === null || !Number.isInteger(port) || port < 0 || port > 65535) return null;
  const bytes = new Uint8Array(16); // family (host order), port (network order), address, zero pad
  bytes[0] = AF_INET;
  bytes[2] = port >> 8;
  bytes[3] = port & 0xff;
  bytes.set(octets, 4);
  return bytes;
}

function ipv4Octets(address: string): number[] | null {
  const parts = address.split(".");
  if (parts.length !== 4) return null;
  const octets = parts.map((p) => (/^\d{1,3}$/.test(p) ? Number(p) : 256));
  return octets.every((o) => o <= 255) ? octets : null;
}
