/**
 * Setup latency caller INVITE -> call-center INVITE, measured on the wire by two tiny UDP SIP peers in this
 * process: a caller that stamps each INVITE as it sends it (unique caller number per call) and a call center
 * that stamps the INVITE the appliance places (From/P-Asserted-Identity carry that number) and answers
 * 486, which the appliance passes back to the caller (who ACKs it). Both stamps are taken on the same clock.
 */
import { randomBytes } from "node:crypto";

export interface LatencyResult { samples: number[]; failed: number }

const CRLF = "\r\n";

function header(msg: string, name: string): string | undefined {
  const re = new RegExp(`^${name}:[ \\t]*(.*)$`, "im");
  return re.exec(msg)?.[1]?.trim();
}

function headers(msg: string, name: string): string[] {
  const re = new RegExp(`^${name}:[ \\t]*(.*)$`, "gim");
  return [...msg.split(CRLF + CRLF)[0]!.matchAll(re)].map((m) => m[1]!.trim());
}

function offer(port: number): string {
  return [
    "v=0", "o=- 1 1 IN IP4 127.0.0.1", "s=-", "c=IN IP4 127.0.0.1", "t=0 0",
    `m=audio ${port} RTP/AVP 0 8 101`, "a=rtpmap:0 PCMU/8000", "a=rtpmap:8 PCMA/8000", "a=rtpmap:101 telephone-event/8000",
    "a=fmtp:101 0-15", "a=ptime:20", "a=sendrecv",
    `m=video ${port + 2} RTP/AVP 97`, "b=AS:600", "a=rtpmap:97 H264/90000", "a=fmtp:97 profile-level-id=42C01F;packetization-mode=1",
    "a=rtcp-fb:* nack pli", "a=rtcp-fb:* ccm fir", "a=sendrecv", "",
  ].join(CRLF);
}

/** `calls` calls at `cps` to the appliance at sipPort; the call center listens on ccPort. */
export async function measureSetupLatency(opts: { sipPort: number; ccPort: number; calls: number; cps: number; timeoutMs?: number }): Promise<LatencyResult> {
  const sent = new Map<string, number>();
  const received = new Map<string, number>();
  const finished = new Set<string>();
  const decoder = new TextDecoder();
  let allDone: () => void = () => undefined;
  const done = new Promise<void>((r) => (allDone = r));

  const cc = await Bun.udpSocket({
    hostname: "127.0.0.1", port: opts.ccPort,
    socket: {
      data(sock, buf, port, addr) {
        const t = performance.now();
        const msg = decoder.decode(buf);
        if (!msg.startsWith("INVITE ")) return; // ACK of our 486 and anything else
        const from = header(msg, "From") ?? header(msg, "f") ?? "";
        const number = /sip:([^@;>]+)@/.exec(from)?.[1] ?? "";
        if (!received.has(number)) received.set(number, t);
        const reply = [
          "SIP/2.0 486 Busy Here",
          ...headers(msg, "Via").map((v) => `Via: ${v}`),
          `From: ${from}`, `To: ${header(msg, "To")};tag=cc${number}`, `Call-ID: ${header(msg, "Call-ID")}`, `CSeq: ${header(msg, "CSeq")}`,
          "Content-Length: 0", "", "",
        ].join(CRLF);
        sock.send(reply, port, addr);
      },
    },
  });

  const caller = await Bun.udpSocket({
    hostname: "127.0.0.1", port: 0,
    socket: {
      data(sock, buf, port, addr) {
        const msg = decoder.decode(buf);
        const status = /^SIP\/2\.0 (\d{3})/.exec(msg)?.[1];
        // no request comes from the appliance on a refused call; provisional responses need nothing
        if (!status || Number(status) < 300) return;
        const callId = header(msg, "Call-ID")!;
        const ack = [
          `ACK sip:110@127.0.0.1:${opts.sipPort} SIP/2.0`, `Via: ${headers(msg, "Via")[0]}`, "Max-Forwards: 70",
          `From: ${header(msg, "From")}`, `To: ${header(msg, "To")}`, `Call-ID: ${callId}`, `CSeq: 1 ACK`, "Content-Length: 0", "", "",
        ].join(CRLF);
        sock.send(ack, port, addr);
        finished.add(callId);
        if (finished.size === opts.calls) allDone();
      },
    },
  });

  const run = randomBytes(3).toString("hex");
  const start = performance.now();
  for (let i = 0; i < opts.calls; i++) {
    const due = start + (i * 1000) / opts.cps;
    const wait = due - performance.now();
    if (wait > 0) await Bun.sleep(wait);
    const number = `+8613${run.slice(0, 3)}${String(i).padStart(6, "0")}`.replace(/[a-f]/g, "9");
    const callId = `${run}-${i}@bench`;
    const body = offer(40000 + 4 * (i % 1000));
    const invite = [
      `INVITE sip:110@127.0.0.1:${opts.sipPort} SIP/2.0`,
      `Via: SIP/2.0/UDP 127.0.0.1:${caller.port};branch=z9hG4bK${run}${i};rport`, "Max-Forwards: 70",
      `From: "bench" <sip:${number}@127.0.0.1:${caller.port}>;tag=c${i}`, `To: <sip:110@127.0.0.1:${opts.sipPort}>`,
      `Call-ID: ${callId}`, "CSeq: 1 INVITE", `Contact: <sip:${number}@127.0.0.1:${caller.port}>`,
      "Content-Type: application/sdp", `Content-Length: ${Buffer.byteLength(body)}`, "", body,
    ].join(CRLF);
    sent.set(number, performance.now());
    caller.send(invite, opts.sipPort, "127.0.0.1");
  }
  await Promise.race([done, Bun.sleep(opts.timeoutMs ?? 15_000)]);
  cc.close();
  caller.close();
  const samples: number[] = [];
  for (const [number, t0] of sent) {
    const t1 = received.get(number);
    if (t1 !== undefined) samples.push(t1 - t0);
  }
  return { samples, failed: opts.calls - samples.length };
}
