import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SipTransportLayer } from "../../../src/sip/transport/index.ts";
import { createResponse, parseMessage, type SipRequest } from "../../../src/sip/message/index.ts";
import { messagesOf, tcpPeer, tlsPeer } from "./helpers/net.ts";
import { requestText } from "./helpers/fake-transport.ts";

let dir: string;
let certPath: string;
let keyPath: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "sip-tls-"));
  certPath = join(dir, "cert.pem");
  keyPath = join(dir, "key.pem");
  const proc = Bun.spawn(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
    "-keyout", keyPath, "-out", certPath, "-days", "1", "-subj", "/CN=avsplit-test", "-addext", "subjectAltName=IP:127.0.0.1"],
    { stdout: "ignore", stderr: "pipe" });
  if ((await proc.exited) !== 0) throw new Error(await new Response(proc.stderr).text());
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const via = (b: string) => `SIP/2.0/TLS 127.0.0.1:5999;branch=${b}`;

describe("TLS transport", () => {
  test("accepts a TLS client, frames its request and answers over the same connection", async () => {
    const layer = new SipTransportLayer({ listen: ["tls:127.0.0.1:0"], tls: { certPath, keyPath } });
    await layer.start();
    try {
      const inbox = messagesOf(layer);
      const peer = await tlsPeer(layer.bound[0].port);
      await peer.write(requestText("OPTIONS", { via: via("z9hG4bKtls1") }));
      const { message, remote } = await inbox.next();
      expect(remote.transport).toBe("tls");
      expect((message as SipRequest).method).toBe("OPTIONS");
      await layer.sendResponse(createResponse(message as SipRequest, 200, "OK", "t"), remote);
      expect(await peer.until((t) => t.includes("\r\n\r\n"))).toStartWith("SIP/2.0 200 OK\r\n");
      peer.close();
    } finally {
      await layer.close();
    }
  });

  test("two layers talk TLS with certificate verification (caPath)", async () => {
    const tls = { certPath, keyPath, caPath: certPath, rejectUnauthorized: true };
    const a = new SipTransportLayer({ listen: ["tls:127.0.0.1:0"], tls });
    const b = new SipTransportLayer({ listen: ["tls:127.0.0.1:0"], tls });
    await Promise.all([a.start(), b.start()]);
    try {
      const inbox = messagesOf(b);
      const req = parseMessage(new TextEncoder().encode(requestText("MESSAGE", { via: via("z9hG4bKtls2") })));
      await a.send(req, b.bound[0]);
      const { message } = await inbox.next();
      expect((message as SipRequest).method).toBe("MESSAGE");
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  test("an untrusted server certificate fails the send (reported, not thrown)", async () => {
    const server = new SipTransportLayer({ listen: ["tls:127.0.0.1:0"], tls: { certPath, keyPath } });
    const client = new SipTransportLayer({ listen: ["tls:127.0.0.1:0"], tls: { certPath, keyPath, rejectUnauthorized: true } });
    await Promise.all([server.start(), client.start()]);
    try {
      const req = parseMessage(new TextEncoder().encode(requestText("OPTIONS", { via: via("z9hG4bKbadcert") })));
      await expect(client.send(req, server.bound[0])).rejects.toThrow();
    } finally {
      await Promise.all([server.close(), client.close()]);
    }
  });

  test("plaintext SIP on the TLS port fails the handshake without harming the listener", async () => {
    const layer = new SipTransportLayer({ listen: ["tls:127.0.0.1:0"], tls: { certPath, keyPath } });
    await layer.start();
    try {
      const plain = await tcpPeer(layer.bound[0].port);
      await plain.write(requestText("OPTIONS", { via: via("z9hG4bKplain") }));
      await plain.waitClosed();
      const inbox = messagesOf(layer);
      const peer = await tlsPeer(layer.bound[0].port);
      await peer.write(requestText("OPTIONS", { via: via("z9hG4bKafter") }));
      expect(((await inbox.next()).message as SipRequest).topVia.params.get("branch")).toBe("z9hG4bKafter");
      peer.close();
    } finally {
      await layer.close();
    }
  });

  test("a tls listen spec without cert files is refused at construction", () => {
    expect(() => new SipTransportLayer({ listen: ["tls:127.0.0.1:0"] })).toThrow(/certPath/);
  });
});
