import { afterEach, describe, expect, test } from "bun:test";
import {
  DEFAULT_RECEIVE_BUFFER, parsePortRange, PortPool, PortPoolExhaustedError, PortRangeError, type PortAllocation,
} from "../../../src/media/ports/index.ts";
import { testPool, UdpPeer } from "./helpers.ts";

const held: PortAllocation[] = [];
afterEach(() => { for (const a of held.splice(0)) a.release(); });

describe("port range", () => {
  test("parses the config form and rejects bad ones", () => {
    expect(parsePortRange("20000-29999")).toEqual({ min: 20000, max: 29999 });
    expect(() => parsePortRange("20000")).toThrow(PortRangeError);
    expect(() => parsePortRange("30000-20000")).toThrow(PortRangeError);
    expect(() => parsePortRange("80-100")).toThrow(PortRangeError);
    expect(() => parsePortRange("20001-20001")).toThrow(PortRangeError);
  });
});

describe("port pool", () => {
  test("hands out an even RTP port with RTCP bound on +1 unless rtcp-mux", async () => {
    const pool = testPool(10);
    const a = await pool.allocate({ rtcpMux: false });
    const b = await pool.allocate({ rtcpMux: true });
    held.push(a, b);
    expect(a.rtpPort % 2).toBe(0);
    expect(a.rtcpPort).toBe(a.rtpPort + 1);
    expect(a.rtp.port).toBe(a.rtpPort);
    expect(a.rtcp?.port).toBe(a.rtpPort + 1);
    expect(b.rtcp).toBeNull();
    expect(b.rtpPort).not.toBe(a.rtpPort);
    expect(pool.inUse).toBe(2);
  });

  test("exhaustion is a typed error; a released pair is allocatable again", async () => {
    const pool = testPool(6); // 3 pairs
    for (let i = 0; i < 3; i++) held.push(await pool.allocate({ rtcpMux: false }));
    const err = await pool.allocate({ rtcpMux: false }).catch((e) => e);
    expect(err).toBeInstanceOf(PortPoolExhaustedError);
    expect(err.code).toBe("PORT_POOL_EXHAUSTED");
    const freed = held.shift()!;
    freed.release();
    freed.release(); // idempotent: must not free the pair twice
    expect(pool.available).toBe(1);
    const again = await pool.allocate({ rtcpMux: false });
    held.push(again);
    expect(again.rtpPort).toBe(freed.rtpPort);
    expect(pool.inUse).toBe(3);
  });

  test("skips ports another process holds (bind failure -> next pair)", async () => {
    const pool = testPool(6);
    const first = pool.range.min + (pool.range.min & 1);
    const squatterRtp = await UdpPeer.open(first);        // holds the first RTP port
    const squatterRtcp = await UdpPeer.open(first + 3);   // holds the second pair's RTCP port
    try {
      const a = await pool.allocate({ rtcpMux: false });
      held.push(a);
      expect(a.rtpPort).toBe(first + 4);
      // The busy pairs rotate to the back and are tried again later; with both still busy the pool is exhausted.
      await expect(pool.allocate({ rtcpMux: false })).rejects.toBeInstanceOf(PortPoolExhaustedError);
      squatterRtp.close();
      const b = await pool.allocate({ rtcpMux: false });
      held.push(b);
      expect(b.rtpPort).toBe(first);
    } finally {
      squatterRtp.close();
      squatterRtcp.close();
    }
  });

  test("free pairs are a FIFO: a freed port goes to the back (late packets of an old call miss new calls)", async () => {
    const pool = testPool(8); // 4 pairs
    const first = pool.range.min + (pool.range.min & 1);
    const a = await pool.allocate({ rtcpMux: true });
    a.release();
    const order: number[] = [];
    for (let i = 0; i < 4; i++) {
      const x = await pool.allocate({ rtcpMux: true });
      held.push(x);
      order.push(x.rtpPort);
    }
    expect(order).toEqual([first + 2, first + 4, first + 6, first]);
  });

});

describe("port pool under concurrency", () => {
  test("parallel allocations get distinct pairs; the ones beyond capacity fail typed", async () => {
    const pool = testPool(10); // 5 pairs
    const results = await Promise.allSettled(Array.from({ length: 8 }, () => pool.allocate({ rtcpMux: false })));
    const ok = results.filter((r) => r.status === "fulfilled").map((r) => (r as PromiseFulfilledResult<PortAllocation>).value);
    held.push(...ok);
    expect(ok).toHaveLength(5);
    expect(new Set(ok.map((a) => a.rtpPort)).size).toBe(5);
    for (const r of results) if (r.status === "rejected") expect(r.reason).toBeInstanceOf(PortPoolExhaustedError);
  });
});

describe("receive buffer", () => {
  test("sockets get a larger SO_RCVBUF (512 KiB asked, capped by rmem_max, doubled by the kernel); 0 keeps the default", async () => {
    const rmemMax = Number(await Bun.file("/proc/sys/net/core/rmem_max").text());
    const big = await testPool(4).allocate({ rtcpMux: false });
    const plain = await new PortPool({ range: testPool(4).range, receiveBufferBytes: 0 }).allocate({ rtcpMux: true });
    held.push(big, plain);
    expect(big.rtp.receiveBufferBytes).toBe(2 * Math.min(DEFAULT_RECEIVE_BUFFER, rmemMax));
    expect(big.rtcp?.receiveBufferBytes).toBe(2 * Math.min(DEFAULT_RECEIVE_BUFFER, rmemMax));
    expect(plain.rtp.receiveBufferBytes).toBeNull();
  });
});
