/**
 * The few werift internals the lean media path touches, typed structurally and checked at run time,
 * so a werift upgrade that moves them fails loudly (WebRtcLegError "werift-internals") instead of silently.
 *
 * Checked against werift 0.24.4: RTCDtlsTransport.{dtls, iceTransport, startSrtp, sendRtp, sendRtcp},
 * DtlsSocket.{srtp.srtpProfile, extractSessionKeys}, ice Connection.{nominated, protocols},
 * StunProtocol.transport (UdpTransport).{socket, onData}.
 */
import type { Socket } from "node:dgram";
import { FdDatagramSender } from "../media/ports/fd-datagram-sender.ts";
import { WebRtcLegError } from "./errors.ts";

export interface WeriftUdpTransport {
  socket: Socket;
  onData: (data: Buffer, addr: [string, number]) => void;
}

export interface WeriftStunProtocol {
  transport?: WeriftUdpTransport;
}

export interface WeriftCandidatePair {
  protocol: WeriftStunProtocol;
  remoteAddr: [string, number];
}

export interface WeriftIceConnection {
  nominated?: WeriftCandidatePair;
  protocols: WeriftStunProtocol[];
}

export interface WeriftDtlsSocket {
  srtp: { srtpProfile?: number };
  extractSessionKeys(keyLength: number, saltLength: number): {
    localKey: Buffer; localSalt: Buffer; remoteKey: Buffer; remoteSalt: Buffer;
  };
}

export interface WeriftDtlsTransport {
  dtls?: WeriftDtlsSocket;
  iceTransport: { connection: WeriftIceConnection };
  startSrtp(): void;
  sendRtp(payload: unknown, header: unknown): Promise<number>;
  sendRtcp(packets: unknown[]): Promise<unknown>;
}

/** Throws unless `t` looks like werift 0.24's RTCDtlsTransport. */
export function asWeriftDtlsTransport(t: unknown): WeriftDtlsTransport {
  const d = t as Partial<WeriftDtlsTransport> | undefined;
  const ok = !!d && typeof d.startSrtp === "function" && typeof d.sendRtp === "function" &&
    typeof d.sendRtcp === "function" && Array.isArray(d.iceTransport?.connection?.protocols);
  if (!ok) throw new WebRtcLegError("werift-internals", "werift RTCDtlsTransport lacks startSrtp/sendRtp/sendRtcp/iceTransport");
  return d as WeriftDtlsTransport;
}

export function udpTransportOf(protocol: WeriftStunProtocol): WeriftUdpTransport | undefined {
  const t = protocol.transport;
  return t && typeof t.socket?.send === "function" && typeof t.onData === "function" ? t : undefined;
}

/**
 * Prepares every UDP socket of a werift ICE transport: SO_RCVBUF (werift leaves the 208 KB default, which
 * drops bursts while the event loop is busy; the kernel caps it at net.core.rmem_max) and an "error"
 * listener — werift adds none, and under Bun an ICMP port-unreachable surfaces as a recvmsg
 * ECONNREFUSED "error" event that would otherwise crash the process.
 */
export function prepareSockets(
  dtls: Pick<WeriftDtlsTransport, "iceTransport">, recvBufferBytes: number, onError: (err: Error) => void,
): void {
  for (const protocol of dtls.iceTransport.connection.protocols) {
    const t = udpTransportOf(protocol);
    if (!t) continue;
    t.socket.on("error", onError);
    try { t.socket.setRecvBufferSize(recvBufferBytes); } catch { /* not bound yet, or refused: keep the default */ }
  }
}

/** Sends one datagram synchronously (the bytes are copied before it returns); false when the kernel refused it. */
export type SyncUdpSend = (data: Uint8Array, port: number, address: string) => boolean;

/**
 * Bun's node:dgram Socket wraps a native Bun UDP socket (state.handle.socket) whose send() is synchronous and
 * skips node:dgram's per-send address lookup, which defers the actual send (so dgram.send() reads the buffer
 * after it returns). With the native socket's fd, datagrams leave through libc sendto (as on SIP legs). Returns that
 * send, or undefined when the runtime does not have this shape (e.g. Node).
 */
export function syncUdpSend(socket: Socket): SyncUdpSend | undefined {
  const key = Object.getOwnPropertySymbols(socket).find((s) => s.description === "state symbol");
  const native = key && (socket as unknown as Record<symbol, { handle?: { socket?: unknown } }>)[key]?.handle?.socket as
    | { send?: (d: Uint8Array, p: number, a: string) => boolean; fd?: unknown } | undefined;
  const send = native?.send;
  if (typeof send !== "function") return undefined;
  const nativeSend: SyncUdpSend = (d, p, a) => send.call(native, d, p, a) === true;
  return FdDatagramSender.for(typeof native?.fd === "number" ? native.fd : null, nativeSend);
}
