import { afterEach, expect, test } from "bun:test";
import { libcSocket } from "../../../src/media/ports/libc-socket.ts";
import { MediaLoop } from "../../../src/media/ports/media-loop.ts";
import { SocketBindError, type FdUdpSocket } from "../../../src/media/ports/fd-udp-socket.ts";
import { EventFd } from "../../../src/media/ports/epoll.ts";

const libc = libcSocket()!;
const loops: MediaLoop[] = [];
afterEach(() => { for (const l of loops.splice(0)) l.close(); });

function newLoop(): MediaLoop {
  const loop = new MediaLoop(libc);
  loops.push(loop);
  return loop;
}

type Got = { data: number[]; port: number; address: string; truncated: boolean };
function collect(socket: FdUdpSocket): Got[] {
  const got: Got[] = [];
  socket.onDatagram((data, port, address, truncated) => got.push({ data: [...data.subarray(0, 4)], port, address, truncated }));
  return got;
}

/** Runs the loop until `until()` or 2 s. */
function runUntil(loop: MediaLoop, until: () => boolean): void {
  const end = performance.now() + 2000;
  while (!until() && performance.now() < end) loop.runFor(50);
}

test("datagrams reach the socket's handler with their source, in order, across more than one recvmmsg batch", () => {
  const loop = newLoop();
  const rx = loop.bind("127.0.0.1", 0);
  const tx = loop.bind("127.0.0.2", 0);
  const got = collect(rx);
  for (let i = 0; i < 40; i++) expect(tx.send(new Uint8Array([i, 1, 2, 3]), rx.port, "127.0.0.1")).toBe(true);
  runUntil(loop, () => got.length >= 40);
  expect(got.map((g) => g.data[0])).toEqual([...Array(40).keys()]);
  expect(got[0]).toEqual({ data: [0, 1, 2, 3], port: tx.port, address: "127.0.0.2", truncated: false });
});

test("a datagram longer than the receive buffer is flagged truncated", () => {
  const loop = newLoop();
  const rx = loop.bind("127.0.0.1", 0);
  const tx = loop.bind("127.0.0.1", 0);
  const got = collect(rx);
  tx.send(new Uint8Array(3000).fill(7), rx.port, "127.0.0.1");
  runUntil(loop, () => got.length > 0);
  expect(got[0].truncated).toBe(true);
});

test("the doorbell ends a wait at once and tells how often it rang; without it the wait lasts its time", () => {
  const loop = newLoop();
  const ringer = new EventFd(libc, loop.doorbell.fd);
  ringer.signal();
  ringer.signal();
  const t0 = performance.now();
  expect(loop.runFor(1000)).toBe(2);
  expect(performance.now() - t0).toBeLessThan(500);
  expect(loop.runFor(30)).toBe(0); // drained: a second wait does not see the old rings
  expect(performance.now() - t0).toBeGreaterThanOrEqual(30);
});

test("a socket closed by its own handler gets nothing more and leaves the loop", () => {
  const loop = newLoop();
  const rx = loop.bind("127.0.0.1", 0);
  const tx = loop.bind("127.0.0.1", 0);
  let calls = 0;
  rx.onDatagram(() => { calls++; rx.close(); });
  for (let i = 0; i < 5; i++) tx.send(new Uint8Array([i]), rx.port, "127.0.0.1");
  runUntil(loop, () => calls > 0);
  loop.runFor(20);
  expect(calls).toBe(1);
  expect(loop.socketCount).toBe(1);
  expect(rx.send(new Uint8Array([1]), tx.port, "127.0.0.1")).toBe(false);
});

test("binding a port in use fails with EADDRINUSE, an IPv6 address with EAFNOSUPPORT", () => {
  const loop = newLoop();
  const held = loop.bind("127.0.0.1", 0);
  expect(() => loop.bind("127.0.0.1", held.port)).toThrow(SocketBindError);
  try {
    loop.bind("127.0.0.1", held.port);
  } catch (err) {
    expect((err as SocketBindError).code).toBe("EADDRINUSE");
  }
  expect(() => loop.bind("::1", 0)).toThrow("EAFNOSUPPORT");
  expect(loop.socketCount).toBe(1);
});
