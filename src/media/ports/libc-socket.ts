/**
 * The libc socket calls Bun's UDP sockets lack or make dearer, through bun:ffi on the socket's fd:
 * setsockopt/getsockopt (SO_RCVBUF has no Bun option) and sendto (Bun's send goes through sendmmsg and parses the
 * address string on every call; sendto with a prepared sockaddr costs ~0.45 µs less per packet, docs/bench/relay.md).
 * Linux only: null elsewhere or when libc cannot be loaded, and callers keep Bun's own paths.
 */
import { dlopen, FFIType, ptr, read } from "bun:ffi";
import { createLogger } from "../../observability/log.ts";

const log = createLogger("media.ports");
const AF_INET = 2;
const MSG_DONTWAIT = 0x40;
const MSG_NOSIGNAL = 0x4000;

/** A sockaddr kept alive together with its native pointer (built once per destination). */
export interface PreparedAddress { readonly bytes: Uint8Array; readonly pointer: number }

export interface LibcSocket {
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
  if (process.platform !== "linux") return null;
  try {
    const { symbols } = dlopen("libc.so.6", {
      setsockopt: { args: [FFIType.i32, FFIType.i32, FFIType.i32, FFIType.ptr, FFIType.u32], returns: FFIType.i32 },
      getsockopt: { args: [FFIType.i32, FFIType.i32, FFIType.i32, FFIType.ptr, FFIType.ptr], returns: FFIType.i32 },
      sendto: { args: [FFIType.i32, FFIType.ptr, FFIType.u64, FFIType.i32, FFIType.ptr, FFIType.u32], returns: FFIType.i64 },
      __errno_location: { args: [], returns: FFIType.ptr },
    });
    const errno = () => read.i32(symbols.__errno_location()!);
    const value = new Int32Array(1);
    const len = new Uint32Array(1);
    const sendto = symbols.sendto;
    return {
      setIntOption(fd, level, name, v) {
        value[0] = v;
        if (symbols.setsockopt(fd, level, name, ptr(value), 4) !== 0) return null;
        len[0] = 4;
        return symbols.getsockopt(fd, level, name, ptr(value), ptr(len)) === 0 ? value[0] : null;
      },
      prepareIPv4(address, port) {
        const octets = ipv4Octets(address);
        if (octets === null || !Number.isInteger(port) || port < 1 || port > 65535) return null;
        const bytes = new Uint8Array(16); // sockaddr_in: family (host order), port (network order), address, zero pad
        bytes[0] = AF_INET;
        bytes[2] = port >> 8;
        bytes[3] = port & 0xff;
        bytes.set(octets, 4);
        return { bytes, pointer: ptr(bytes) };
      },
      sendTo: (fd, data, to) => (sendto(fd, ptr(data), data.byteLength, MSG_DONTWAIT | MSG_NOSIGNAL, to.pointer, 16) >= 0 ? 0 : errno()),
    };
  } catch (err) {
    log.warn("libc socket calls unavailable (bun:ffi); Bun's UDP send and the kernel default receive buffer are used", { err });
    return null;
  }
}

function ipv4Octets(address: string): number[] | null {
  const parts = address.split(".");
  if (parts.length !== 4) return null;
  const octets = parts.map((p) => (/^\d{1,3}$/.test(p) ? Number(p) : 256));
  return octets.every((o) => o <= 255) ? octets : null;
}
