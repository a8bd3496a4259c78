import { afterEach, describe, expect, test } from "bun:test";
import { MediaSocket } from "../../../src/media/ports/media-socket.ts";
import { libcSocket } from "../../../src/media/ports/libc-socket.ts";
import { FdDatagramSender } from "../../../src/media/ports/fd-datagram-sender.ts";
import { UdpPeer } from "./helpers.ts";

const open: { close(): void }[] = [];
afterEach(() => { for (const s of open.splice(0)) s.close(); });

async function bound(host = "127.0.0.1"): Promise<MediaSocket> {
  const s = await MediaSocket.bind(host, 0);
  open.push(s);
  return s;
}

describe("MediaSocket send", () => {
  test("delivers the exact bytes of a view (not its whole buffer) from the socket's own port", async () => {
    const s = await bound();
    const peer = await UdpPeer.open();
    open.push(peer);
    const backing = new Uint8Array(64).map((_, i) => i);
    expect(s.send(backing.subarray(10, 30), peer.port, "127.0.0.1")).toBe(true);
    const d = await peer.next();
    expect([...d.data]).toEqual([...backing.subarray(10, 30)]);
    expect(d.port).toBe(s.port);
  });

  test("an empty datagram is sent too", async () => {
    const s = await bound();
    const peer = await UdpPeer.open();
    open.push(peer);
    expect(s.send(new Uint8Array(0), peer.port, "127.0.0.1")).toBe(true);
    expect((await peer.next()).data.byteLength).toBe(0);
  });

  test("follows a destination change packet by packet", async () => {
    const s = await bound();
    const a = await UdpPeer.open();
    const b = await UdpPeer.open();
    open.push(a, b);
    for (const [peer, byte] of [[a, 1], [b, 2], [a, 3]] as const) s.send(new Uint8Array([byte]), peer.port, "127.0.0.1");
    expect([(await a.next()).data[0], (await a.next()).data[0]]).toEqual([1, 3]);
    expect((await b.next()).data[0]).toBe(2);
  });

  test("IPv6 sockets send through Bun's own path", async () => {
    const s = await bound("::1");
    let got: Uint8Array | null = null;
    const arrived = Promise.withResolvers<void>();
    const peer = await Bun.udpSocket({
      hostname: "::1", binaryType: "uint8array",
      socket: { data: (_s, data) => { got = data.slice(); arrived.resolve(); } },
    });
    open.push(peer);
    expect(s.send(new Uint8Array([7, 8, 9]), peer.port, "::1")).toBe(true);
    await arrived.promise;
    expect([...got!]).toEqual([7, 8, 9]);
  });

  test("a closed socket sends nothing and says so", async () => {
    const s = await bound();
    const peer = await UdpPeer.open();
    open.push(peer);
    s.close();
    expect(s.send(new Uint8Array([1]), peer.port, "127.0.0.1")).toBe(false);
  });
});

describe("libc sockaddr preparation", () => {
  test("only IPv4 literals with a valid port become a sockaddr_in", async () => {
    const libc = libcSocket();
    expect(libc).not.toBeNull();
    const sa = libc!.prepareIPv4("10.1.2.254", 40002)!;
    expect([...sa.bytes]).toEqual([2, 0, 0x9c, 0x42, 10, 1, 2, 254, 0, 0, 0, 0, 0, 0, 0, 0]);
    for (const bad of ["10.1.2", "10.1.2.256", "10.1.2.x", "::1", "host.example", "", "1.2.3.4.5", "01234.1.1.1"]) {
      expect(libc!.prepareIPv4(bad, 5000)).toBeNull();
    }
    for (const port of [0, 65536, 1.5, -1]) expect(libc!.prepareIPv4("127.0.0.1", port)).toBeNull();
  });
});

describe("FdDatagramSender", () => {
  const libc = libcSocket()!;
  /** libc with sendTo answering from `errnos` (0 = sent), one per call. */
  const scripted = (errnos: number[]) => {
    const calls: number[] = [];
    return { calls, libc: { ...libc, sendTo: () => { const e = errnos.shift() ?? 0; calls.push(e); return e; } } };
  };
  const packet = new Uint8Array([1]);

  test("an ICMP error reported for an earlier datagram costs a retry, not this packet", () => {
    const { calls, libc: fake } = scripted([111, 0]);
    const fallback: string[] = [];
    const send = FdDatagramSender.for(3, (_d, p) => { fallback.push(String(p)); return true; }, fake);
    expect(send(packet, 5000, "127.0.0.1")).toBe(true);
    expect(calls).toEqual([111, 0]);
    expect(fallback).toEqual([]);
  });

  test("a socket family that refuses sockaddr_in moves that destination to the socket's own send", () => {
    const { calls, libc: fake } = scripted([97]);
    const fallback: number[] = [];
    const send = FdDatagramSender.for(3, (_d, p) => { fallback.push(p); return true; }, fake);
    expect(send(packet, 5000, "127.0.0.1")).toBe(true);
    expect(send(packet, 5000, "127.0.0.1")).toBe(true);
    expect(calls).toEqual([97]);
    expect(fallback).toEqual([5000, 5000]);
  });

  test("a full queue or an unreachable network drops the packet; names and IPv6 use the socket's own send", () => {
    const { calls, libc: fake } = scripted([11, 101, 0]);
    const fallback: string[] = [];
    const send = FdDatagramSender.for(3, (_d, p, a) => { fallback.push(`${a}:${p}`); return true; }, fake);
    expect(send(packet, 5000, "127.0.0.1")).toBe(false);
    expect(send(packet, 5000, "127.0.0.1")).toBe(false);
    expect(send(packet, 5000, "127.0.0.1")).toBe(true);
    expect(send(packet, 5002, "::1")).toBe(true);
    expect(send(packet, 5004, "media.example")).toBe(true);
    expect(calls).toEqual([11, 101, 0]);
    expect(fallback).toEqual(["::1:5002", "media.example:5004"]);
  });

  test("a real port-unreachable: the next packet to a live peer still arrives", async () => {
    const s = await bound();
    const dead = await UdpPeer.open();
    const deadPort = dead.port;
    dead.close();
    const live = await UdpPeer.open();
    open.push(live);
    for (let i = 0; i < 3; i++) {
      s.send(new Uint8Array([9]), deadPort, "127.0.0.1");
      expect(s.send(new Uint8Array([i]), live.port, "127.0.0.1")).toBe(true);
    }
    expect([(await live.next()).data[0], (await live.next()).data[0], (await live.next()).data[0]]).toEqual([0, 1, 2]);
  });

  test("without libc or an fd the socket's own send is used; its throw is a refused datagram", () => {
    const sent: number[] = [];
    const fallback = (_d: Uint8Array, port: number) => {
      if (port === 9) throw new Error("EACCES");
      sent.push(port);
      return true;
    };
    for (const send of [FdDatagramSender.for(3, fallback, null), FdDatagramSender.for(null, fallback)]) {
      expect(send(packet, 5000, "127.0.0.1")).toBe(true);
      expect(send(packet, 9, "255.255.255.255")).toBe(false);
    }
    expect(sent).toEqual([5000, 5000]);
  });
});
