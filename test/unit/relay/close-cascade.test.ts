import { describe, expect, test } from "bun:test";
import { Bridge, MediaEndpoint } from "../../../src/media/relay/index.ts";
import { bridgedCall, testPool } from "./helpers.ts";

describe("close", () => {
  test("bridge.close() is idempotent, closes both legs once and returns their ports", async () => {
    const call = await bridgedCall();
    const closed: string[] = [];
    call.legA.on("closed", () => closed.push("A"));
    call.legB.on("closed", () => closed.push("B"));
    call.bridge.on("closed", () => closed.push("bridge"));
    expect(call.pool.inUse).toBe(2);
    call.bridge.close();
    call.bridge.close();
    call.legA.close();
    expect(closed.sort()).toEqual(["A", "B", "bridge"]);
    expect(call.pool.inUse).toBe(0);
    expect(call.legA.sendRtcp(new Uint8Array(8))).toBe(false);
    call.peerA.close();
    call.peerB.close();
  });

  test("a leg closing on its own (BYE on that side) ends the bridge and the other leg", async () => {
    const call = await bridgedCall();
    call.legB.close();
    expect(call.bridge.closed).toBe(true);
    expect(call.legA.closed).toBe(true);
    expect(call.pool.inUse).toBe(0);
    call.close();
  });

  test("a closed endpoint cannot be bridged", async () => {
    const pool = testPool();
    const a = await MediaEndpoint.create({ pool, kind: "video", rtcpMux: false });
    const b = await MediaEndpoint.create({ pool, kind: "video", rtcpMux: false });
    a.close();
    expect(() => new Bridge(a, b)).toThrow();
    b.close();
    expect(pool.inUse).toBe(0);
  });
});
