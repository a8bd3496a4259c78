/**
 * A VoLTE caller that answers keyframe requests, as a phone's encoder does (sipp's pcap play cannot): one
 * UDP SIP call at a time to the appliance, H.264 from media/h264_rtp.pcap at capture pacing with continuous
 * sequence numbers and wall-clock timestamps, and on RTCP PLI/FIR (RTP port + 1) or SIP INFO
 * picture_fast_update the stream jumps to the pcap's next IDR at once, as an encoder would make one.
 */
import { randomBytes } from "node:crypto";
import { readRtpPcap, nextKeyframeIndex, CALLER_PCAP, type TimedRtp } from "../../interop/webrtc/support/h264-feed.ts";
import { writeSequenceNumber, writeTimestamp } from "../../../src/media/rtp/index.ts";
import { freePorts } from "../../interop/sip/sipp.ts";

const CRLF = "\r\n";
const header = (msg: string, name: string) => new RegExp(`^${name}:[ \\t]*(.*)$`, "im").exec(msg)?.[1]?.trim();

type Udp = import("bun").udp.Socket<"buffer">;

export interface KeyframeCallResult { answered: boolean; keyframeRequests: number; videoPackets: number }

export class KeyframeCaller {
  private readonly packets: TimedRtp[] = readRtpPcap(CALLER_PCAP);
  private keyframeWanted = false;
  private keyframeRequests = 0;
  private onSip: (msg: string) => void = () => undefined;

  private constructor(private readonly sip: Udp, private readonly audio: Udp, private readonly video: Udp, private readonly rtcp: Udp, private readonly sipPort: number) {}

  static async start(sipPort: number): Promise<KeyframeCaller> {
    const base = await freePorts(4);
    const sink = { data() {} };
    let self: KeyframeCaller | undefined;
    const decoder = new TextDecoder();
    const sip = await Bun.udpSocket({ hostname: "127.0.0.1", port: 0, socket: { data: (_s, buf) => self?.onSip(decoder.decode(buf)) } });
    const audio = await Bun.udpSocket({ hostname: "127.0.0.1", port: base, socket: sink });
    const video = await Bun.udpSocket({ hostname: "127.0.0.1", port: base + 2, socket: sink });
    const rtcp = await Bun.udpSocket({ hostname: "127.0.0.1", port: base + 3, socket: { data: (_s, buf) => self?.onRtcp(buf) } });
    self = new KeyframeCaller(sip, audio, video, rtcp, sipPort);
    return self;
  }

  private onRtcp(buf: Uint8Array): void {
    for (let off = 0; off + 4 <= buf.length;) {
      const fmt = buf[off]! & 0x1f;
      if (buf[off + 1] === 206 && (fmt === 1 || fmt === 4)) this.requestKeyframe();
      off += (((buf[off + 2]! << 8) | buf[off + 3]!) + 1) * 4;
    }
  }

  private requestKeyframe(): void {
    this.keyframeWanted = true;
    this.keyframeRequests++;
  }

  /** One call: INVITE, ACK the 200, video for `holdMs`, BYE. */
  async call(callerNumber: string, holdMs: number): Promise<KeyframeCallResult> {
    const id = randomBytes(6).toString("hex");
    const local = `127.0.0.1:${this.sip.port}`;
    const from = `"keyframe caller" <sip:${callerNumber}@${local}>;tag=${id}`;
    const callId = `${id}@bench`;
    const sdp = [
      "v=0", "o=- 1 1 IN IP4 127.0.0.1", "s=-", "c=IN IP4 127.0.0.1", "t=0 0",
      // the same offer as sipp's uac_av_media.xml
      `m=audio ${this.audio.port} RTP/AVP 0 8 101`, "a=rtpmap:0 PCMU/8000", "a=rtpmap:8 PCMA/8000", "a=rtpmap:101 telephone-event/8000",
      "a=fmtp:101 0-15", "a=ptime:20", "a=sendrecv",
      `m=video ${this.video.port} RTP/AVP 97`, "b=AS:600", "a=rtpmap:97 H264/90000", "a=fmtp:97 profile-level-id=42C01F;packetization-mode=1",
      "a=rtcp-fb:* nack pli", "a=rtcp-fb:* ccm fir", "a=sendrecv", "",
    ].join(CRLF);
    const request = (method: string, cseq: number, to: string, body = "", extra: string[] = []) => [
      `${method} sip:110@127.0.0.1:${this.sipPort} SIP/2.0`, `Via: SIP/2.0/UDP ${local};branch=z9hG4bK${randomBytes(6).toString("hex")};rport`,
      "Max-Forwards: 70", `From: ${from}`, `To: ${to}`, `Call-ID: ${callId}`, `CSeq: ${cseq} ${method}`, `Contact: <sip:${callerNumber}@${local}>`,
      ...extra, `Content-Length: ${Buffer.byteLength(body)}`, "", body,
    ].join(CRLF);
    const send = (msg: string) => this.sip.send(msg, this.sipPort, "127.0.0.1");

    let to = `<sip:110@127.0.0.1:${this.sipPort}>`;
    let answered: (sdp: string | null) => void = () => undefined;
    const answer = new Promise<string | null>((r) => (answered = r));
    let byeDone: () => void = () => undefined;
    const byeAnswered = new Promise<void>((r) => (byeDone = r));
    this.onSip = (msg) => {
      const status = /^SIP\/2\.0 (\d{3})/.exec(msg)?.[1];
      if (status) {
        const cseq = header(msg, "CSeq") ?? "";
        if (cseq.endsWith("BYE")) return byeDone();
        if (Number(status) < 200) return;
        to = header(msg, "To") ?? to;
        send(request("ACK", 1, to));
        answered(Number(status) < 300 ? msg.split(CRLF + CRLF)[1] ?? "" : null);
        return;
      }
      // requests from the appliance: INFO picture_fast_update, BYE, re-INVITE refresh: 200 OK
      if (/^INFO /.test(msg) && msg.includes("picture_fast_update")) this.requestKeyframe();
      const vias = [...msg.split(CRLF + CRLF)[0]!.matchAll(/^Via:[ \t]*(.*)$/gim)].map((m) => `Via: ${m[1]}`);
      send(["SIP/2.0 200 OK", ...vias, `From: ${header(msg, "From")}`, `To: ${header(msg, "To")}`, `Call-ID: ${header(msg, "Call-ID")}`, `CSeq: ${header(msg, "CSeq")}`, "Content-Length: 0", "", ""].join(CRLF));
    };

    this.keyframeRequests = 0;
    send(request("INVITE", 1, to, sdp, ["Content-Type: application/sdp"]));
    const body = await Promise.race([answer, Bun.sleep(10_000).then(() => null)]);
    if (!body) return { answered: false, keyframeRequests: 0, videoPackets: 0 };
    const port = Number(/^m=video (\d+)/m.exec(body)?.[1] ?? 0);
    const stop = this.stream(port);
    await Bun.sleep(holdMs);
    const videoPackets = stop();
    send(request("BYE", 2, to));
    await Promise.race([byeAnswered, Bun.sleep(3000)]);
    return { answered: true, keyframeRequests: this.keyframeRequests, videoPackets };
  }

  /** Paces the pcap to 127.0.0.1:port from the video socket; returns stop() -> packets sent. */
  private stream(port: number): () => number {
    const packets = this.packets;
    const t0 = performance.now();
    const tsBase = randomBytes(4).readUInt32BE(0);
    let index = 0;
    let anchor = 0;
    let anchorWall = t0;
    let seq = randomBytes(2).readUInt16BE(0);
    let lastOriginalTs = -1;
    let frameTs = 0;
    let sent = 0;
    this.keyframeWanted = false;
    const timer = setInterval(() => {
      const now = performance.now();
      if (this.keyframeWanted) {
        this.keyframeWanted = false;
        let k = nextKeyframeIndex(packets, index);
        if (k < 0) k = nextKeyframeIndex(packets, 0);
        index = anchor = k;
        anchorWall = now;
      }
      for (;;) {
        const item = packets[index]!;
        if (anchorWall + (item.timeUs - packets[anchor]!.timeUs) / 1000 > now) break;
        const p = item.packet;
        const originalTs = ((p[4]! << 24) | (p[5]! << 16) | (p[6]! << 8) | p[7]!) >>> 0;
        if (originalTs !== lastOriginalTs) {
          lastOriginalTs = originalTs;
          frameTs = (tsBase + Math.round((now - t0) * 90)) >>> 0;
        }
        writeSequenceNumber(p, seq = (seq + 1) & 0xffff);
        writeTimestamp(p, frameTs);
        this.video.send(p, port, "127.0.0.1");
        sent++;
        if (++index === packets.length) {
          anchorWall += (packets[index - 1]!.timeUs - packets[anchor]!.timeUs) / 1000 + 40;
          index = anchor = 0;
        }
      }
    }, 2);
    return () => {
      clearInterval(timer);
      return sent;
    };
  }

  close(): void {
    for (const s of [this.sip, this.audio, this.video, this.rtcp]) s.close();
  }
}
