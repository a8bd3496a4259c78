import { describe, expect, test } from "bun:test";
import { SipStack, type IncomingCall } from "../../../src/sip/index.ts";

describe("SipStack facade", () => {
  test("two stacks on ephemeral loopback ports call each other; trace kept per Call-ID; close is idempotent", async () => {
    const a = await SipStack.start({ listen: ["udp:127.0.0.1:0"], ua: { userAgent: "a" } });
    const b = await SipStack.start({ listen: ["udp:127.0.0.1:0"], trust: { trunks: [{ name: "a", role: "sbc", allow: ["127.0.0.1/32"] }], untrustedSource: "drop" } });
    const port = b.transport.localEndpoint("udp").port;
    expect(port).toBeGreaterThan(0);
    const incoming = new Promise<IncomingCall>((resolve) => b.ua.once("incoming", resolve));
    const call = a.ua.invite({ target: `sip:b@127.0.0.1:${port}`, from: "<sip:a@127.0.0.1>", sdp: "v=0\r\n" });
    const inc = await incoming;
    expect(inc.request.headers.get("User-Agent")).toBe("a");
    const answered = new Promise((resolve) => call.once("answered", resolve));
    await inc.answer("v=0\r\n");
    await answered;
    const ended = new Promise((resolve) => inc.once("terminated", resolve));
    await call.bye();
    await ended;
    expect(a.trace.get(call.callId).map((e) => `${e.direction} ${e.firstLine.split(" ")[0]}`)).toEqual([
      "out INVITE", "in SIP/2.0", "out ACK", "out BYE", "in SIP/2.0",
    ]);
    await a.close();
    await a.close();
    await b.close();
    expect(() => a.ua.invite({ target: `sip:b@127.0.0.1:${port}`, from: "<sip:a@127.0.0.1>" })).toThrow();
  });
});
