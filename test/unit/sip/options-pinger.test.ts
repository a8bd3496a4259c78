import { describe, expect, test } from "bun:test";
import { MemoryNetwork, makeUa } from "./ua-support/memory-network.ts";
import { SipRequest, createResponse } from "../../../src/sip/message/index.ts";

describe("OPTIONS keep-alive per trunk", () => {
  test("up on any answer, down on timeout, up again when the trunk answers; one ping per interval", async () => {
    const net = new MemoryNetwork();
    const a = makeUa(net, "A", "127.0.0.1");
    makeUa(net, "B", "127.0.0.2");
    const states: string[] = [];
    a.on("trunk-state", (name, up, status) => states.push(`${name}:${up ? "up" : "down"}:${status}`));
    const pinger = a.pingTrunk({ name: "cc", target: "sip:127.0.0.2:5060", intervalS: 10 });
    await net.settle();
    expect(states).toEqual(["cc:up:200"]);
    expect(pinger.state).toBe("up");
    await net.advance(10_000, 500);
    expect(net.lines((r) => r.line === "OPTIONS").length).toBe(2);
    expect(states).toEqual(["cc:up:200"]);                  // no event without a change
    net.drop = () => true;
    await net.advance(10_000 + 32_000, 500);
    expect(states).toEqual(["cc:up:200", "cc:down:408"]);
    net.drop = null;
    await net.advance(10_000, 500);
    expect(states).toEqual(["cc:up:200", "cc:down:408", "cc:up:200"]);
    const options = net.log.find((r) => r.line === "OPTIONS")!.message;
    expect(options.headers.get("Allow")).toContain("INVITE");
    pinger.close();
    pinger.close();
    const sent = net.lines((r) => r.line === "OPTIONS").length;
    await net.advance(30_000, 1000);
    expect(net.lines((r) => r.line === "OPTIONS").length).toBe(sent);
  });

  test("a trunk that rejects OPTIONS (e.g. 405/404) is still up: it answered", async () => {
    const net = new MemoryNetwork();
    const a = makeUa(net, "A", "127.0.0.1");
    const trunk = net.attach("B", "127.0.0.2");
    trunk.on("message", ({ message, remote }) => {
      if (message instanceof SipRequest) void trunk.sendResponse(createResponse(message, 404, "Not Found", "t1"), remote);
    });
    const pinger = a.pingTrunk({ name: "t", target: "sip:nobody@127.0.0.2", intervalS: 5 });
    const status = await pinger.ping();
    expect(status).toBe(404);
    expect(pinger.state).toBe("up");
    expect(() => a.pingTrunk({ name: "bad", target: "sip:127.0.0.2", intervalS: 0 })).toThrow(RangeError);
  });
});
