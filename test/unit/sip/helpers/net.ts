/** Loopback peers for transport tests: a raw UDP socket and a raw TCP/TLS client with awaitable reads. */
import dgram from "node:dgram";
import net from "node:net";
import tls from "node:tls";
import type { InboundMessage, SipTransportLayer } from "../../../../src/sip/transport/index.ts";

export function withTimeout<T>(p: Promise<T>, ms = 3000, what = "event"): Promise<T> {
  return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms))]);
}

/** Queue of inbound items with an awaitable next(). */
class Inbox<T> {
  private items: T[] = [];
  private waiters: ((v: T) => void)[] = [];
  push(v: T): void { const w = this.waiters.shift(); if (w) w(v); else this.items.push(v); }
  next(what = "message"): Promise<T> {
    const v = this.items.shift();
    if (v !== undefined) return Promise.resolve(v);
    return withTimeout(new Promise<T>((resolve) => this.waiters.push(resolve)), 3000, what);
  }
  get size(): number { return this.items.length; }
}

export function messagesOf(layer: SipTransportLayer): Inbox<InboundMessage> {
  const inbox = new Inbox<InboundMessage>();
  layer.on("message", (m) => inbox.push(m));
  return inbox;
}

export async function udpPeer(bindHost = "127.0.0.1"): Promise<{ port: number; send(text: string | Uint8Array, port: number): Promise<void>; next(): Promise<string>; close(): void }> {
  const socket = dgram.createSocket("udp4");
  const inbox = new Inbox<string>();
  socket.on("message", (m) => inbox.push(m.toString("utf8")));
  await new Promise<void>((resolve) => socket.bind(0, bindHost, resolve));
  return {
    port: socket.address().port,
    send: (text, port) => new Promise((resolve, reject) => socket.send(typeof text === "string" ? Buffer.from(text) : text, port, "127.0.0.1", (e) => (e ? reject(e) : resolve()))),
    next: () => inbox.next("udp datagram"),
    close: () => socket.close(),
  };
}

export interface StreamPeer {
  socket: net.Socket;
  localPort: number;
  write(data: string | Uint8Array): Promise<void>;
  /** Bytes received so far, as text, once `predicate` holds. */
  until(predicate: (text: string) => boolean): Promise<string>;
  waitClosed(): Promise<void>;
  close(): void;
}

function wrap(socket: net.Socket): StreamPeer {
  let text = "";
  let check: (() => void) | undefined;
  socket.on("data", (d) => { text += d.toString("utf8"); check?.(); });
  const closed = new Promise<void>((resolve) => socket.on("close", () => resolve()));
  socket.on("error", () => {});
  return {
    socket,
    localPort: socket.localPort ?? 0,
    write: (data) => new Promise((resolve, reject) => socket.write(data, (e) => (e ? reject(e) : resolve()))),
    until: (predicate) => withTimeout(new Promise<string>((resolve) => {
      check = () => { if (predicate(text)) { check = undefined; resolve(text); } };
      check();
    }), 3000, "stream data"),
    waitClosed: () => withTimeout(closed, 5000, "close"),
    close: () => socket.destroy(),
  };
}

export function tcpPeer(port: number): Promise<StreamPeer> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: "127.0.0.1", port }, () => resolve(wrap(s)));
    s.once("error", reject);
  });
}

export function tlsPeer(port: number): Promise<StreamPeer> {
  return new Promise((resolve, reject) => {
    const s = tls.connect({ host: "127.0.0.1", port, rejectUnauthorized: false }, () => resolve(wrap(s)));
    s.once("error", reject);
  });
}
