/**
 * The lean media path on fake werift objects (no network): it takes the DTLS-SRTP keys when werift would
 * start its own SRTP, leaves STUN/DTLS datagrams to werift (RFC 7983 first byte), decrypts RTP/RTCP in place,
 * counts what fails authentication, sends SRTP with the negotiated PT/SSRC without touching the input, reuses
 * one output buffer only where the send is synchronous, and reports unusable keys instead of throwing.
 */
import { describe, expect, test } from "bun:test";
import { RtpPacket } from "../../../src/media/rtp/index.ts";
import { PictureLossIndication } from "../../../src/media/rtcp/index.ts";
import { SRTP_PROFILES, SrtpSession } from "../../../src/media/srtp/index.ts";
import { DtlsSrtpMediaPath } from "../../../src/webrtc/dtls-srtp-media-path.ts";
import type { MediaPathHandlers } from "../../../src/webrtc/media-path.ts";
import type { WeriftDtlsTransport, WeriftUdpTransport } from "../../../src/webrtc/werift-internals.ts";

const KEYS = {
  localKey: Buffer.alloc(16, 1), localSalt: Buffer.alloc(12, 2), remoteKey: Buffer.alloc(16, 3), remoteSalt: Buffer.alloc(12, 4),
};
/** The browser's side of the same DTLS-SRTP keys. */
const browserSrtp = () => new SrtpSession({
  profile: SRTP_PROFILES.AEAD_AES_128_GCM,
  local: { masterKey: KEYS.remoteKey, masterSalt: KEYS.remoteSalt },
  remote: { masterKey: KEYS.localKey, masterSalt: KEYS.localSalt },
});

interface Sent { data: Uint8Array; port: number; address: string }

function fakes(opts: { srtpProfile?: number; syncSend?: boolean } = {}) {
  const toWerift: Buffer[] = [];
  const sent: Sent[] = [];
  const socket: Record<string | symbol, unknown> = {
    send: (data: Uint8Array, port: number, address: string) => { sent.push({ data, port, address }); },
    on: () => socket,
  };
  if (opts.syncSend) {
    // The shape of Bun's node:dgram Socket: state.handle.socket is the native socket with a synchronous send.
    socket[Symbol("state symbol")] = {
      handle: { socket: { send: (data: Uint8Array, port: number, address: string) => { sent.push({ data: new Uint8Array(data), port, address }); return true; } } },
    };
  }
  const transport = { socket, onData: (data: Buffer) => { toWerift.push(data); } } as unknown as WeriftUdpTransport;
  const protocol = { transport };
  const dtls = {
    dtls: { srtp: { srtpProfile: opts.srtpProfile ?? 0x0007 }, extractSessionKeys: () => KEYS },
    iceTransport: { connection: { nominated: { protocol, remoteAddr: ["127.0.0.1", 50000] as [string, number] }, protocols: [protocol] } },
    startSrtp: () => { throw new Error("werift's own SRTP must not start"); },
    sendRtp: async () => 0,
    sendRtcp: async () => undefined,
  } as unknown as WeriftDtlsTransport;
  const got = { rtp: [] as Uint8Array[], rtcp: [] as Uint8Array[], rejected: [] as string[], failed: [] as Error[] };
  const handlers: MediaPathHandlers = {
    rtp: (p) => got.rtp.push(p.slice()), rtcp: (p) => got.rtcp.push(p.slice()),
    rejected: (k) => got.rejected.push(k), failed: (e) => got.failed.push(e),
  };
  const path = new DtlsSrtpMediaPath(dtls, handlers);
  return { dtls, transport, path, got, toWerift, sent };
}

const rtp = (seq: number, pt = 96, ssrc = 0xabc) =>
  new RtpPacket({ payloadType: pt, sequenceNumber: seq, timestamp: seq * 3000, ssrc }, new Uint8Array(300).fill(seq)).serialize();

describe("lean media path on werift's DTLS transport", () => {
  test("nothing is sent before DTLS hands over the keys", () => {
    const { path, sent } = fakes();
    expect(path.sendRtp(rtp(1), 102, 0x1234)).toBe(0);
    expect(sent).toHaveLength(0);
  });

  test("STUN and DTLS go to werift; SRTP/SRTCP are decrypted; tampered packets are counted, never thrown", () => {
    const { dtls, transport, got, toWerift } = fakes();
    dtls.startSrtp();
    const stun = Buffer.from([0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xa4, 0x42, ...new Array(12).fill(0)]);
    const dtlsRecord = Buffer.from([22, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    transport.onData(stun, ["127.0.0.1", 1]);
    transport.onData(dtlsRecord, ["127.0.0.1", 1]);
    expect(toWerift).toEqual([stun, dtlsRecord]);

    const browser = browserSrtp();
    const plain = rtp(5);
    transport.onData(Buffer.from(browser.protectRtp(plain)!), ["127.0.0.1", 1]);
    expect(got.rtp).toEqual([plain]);
    const pli = new PictureLossIndication(0xabc, 0x1234).serialize();
    transport.onData(Buffer.from(browser.protectRtcp(pli)!), ["127.0.0.1", 1]);
    expect(got.rtcp).toEqual([pli]);

    const tampered = Buffer.from(browser.protectRtp(rtp(6))!);
    tampered[20] ^= 1;
    transport.onData(tampered, ["127.0.0.1", 1]);
    transport.onData(Buffer.from([0x80, 0x60, 0, 1]), ["127.0.0.1", 1]);
    expect(got.rejected).toEqual(["rtp", "rtp"]);
    expect(got.rtp).toHaveLength(1);
  });

  for (const syncSend of [false, true]) {
    test(`sendRtp: SRTP to the nominated pair, PT/SSRC rewritten, input untouched (${syncSend ? "synchronous native send, reused buffer" : "node:dgram, own buffer per packet"})`, () => {
      const { dtls, path, sent } = fakes({ syncSend });
      dtls.startSrtp();
      const inputs = [rtp(1, 97, 0x1111), rtp(2, 97, 0x1111)];
      const copies = inputs.map((p) => p.slice());
      for (const p of inputs) expect(path.sendRtp(p, 102, 0x1234)).toBe(p.length + 16);
      expect(inputs).toEqual(copies);
      expect(sent.map((s) => `${s.address}:${s.port}`)).toEqual(["127.0.0.1:50000", "127.0.0.1:50000"]);
      if (!syncSend) expect(sent[0]!.data.buffer === sent[1]!.data.buffer && sent[0]!.data.byteOffset === sent[1]!.data.byteOffset).toBe(false);
      const browser = browserSrtp();
      sent.forEach((s, i) => {
        const clear = browser.unprotectRtp(Buffer.from(s.data))!;
        const p = RtpPacket.deSerialize(clear);
        expect(p.header.payloadType).toBe(102);
        expect(p.header.ssrc).toBe(0x1234);
        expect(p.header.sequenceNumber).toBe(i + 1);
        expect(p.payload).toEqual(inputs[i]!.subarray(12));
      });
    });
  }

  test("a DTLS-SRTP profile the SRTP module does not know: failed() is reported, werift is not crashed", () => {
    const { dtls, path, got } = fakes({ srtpProfile: 0x0099 });
    expect(() => dtls.startSrtp()).not.toThrow();
    expect(got.failed).toHaveLength(1);
    expect(path.sendRtp(rtp(1), 102, 1)).toBe(0);
  });

  test("close() gives the socket back to werift", () => {
    const { dtls, transport, path, toWerift } = fakes();
    dtls.startSrtp();
    path.close();
    path.close();
    const media = Buffer.from(rtp(1));
    transport.onData(media, ["127.0.0.1", 1]);
    expect(toWerift).toEqual([media]);
  });
});
