/**
 * A SIP caller's video for VideoLink tests: plain UDP sockets as the caller (RTP, and RTCP on the next port), a
 * MediaEndpoint toward them, avsplit's answer made by the real caller policy, and the VideoLink on top. The agent's
 * browser (werift or Chromium) is up to the test.
 */
import { MediaEndpoint } from "../../../../src/media/relay/index.ts";
import { answerOffer, createOrigin, parseSdp, policyByKind, type SessionDescription } from "../../../../src/sdp/index.ts";
import { callerVideoPolicy, sdesPolicy } from "../../../../src/session/media-policy.ts";
import { VideoLink } from "../../../../src/session/video-link.ts";
import type { Clock } from "../../../../src/util/clock.ts";
import { parseRtcp } from "../../../../src/media/rtcp/index.ts";
import { testPool, UdpPeer, type Datagram } from "../../../unit/relay/helpers.ts";

export interface SipVideoCaller {
  /** The caller's RTP socket. */
  readonly rtp: UdpPeer;
  /** The caller's RTCP socket (RTP port + 1, RFC 3550 default). */
  readonly rtcp: UdpPeer;
  readonly callerVideo: MediaEndpoint;
  readonly link: VideoLink;
  /** avsplit's answer to the caller. */
  readonly answer: SessionDescription;
  /** Bodies of the SIP INFO picture_fast_update the link sent. */
  readonly sipInfos: string[];
  close(): void;
}

/** The caller's offer: H.264 PT 97 with `fmtp` and one a=rtcp-fb line per `feedback` entry. */
function callerOffer(rtpPort: number, fmtp: string, feedback: readonly string[]): string {
  return [
    "v=0", "o=caller 1 1 IN IP4 127.0.0.1", "s=-", "c=IN IP4 127.0.0.1", "t=0 0",
    `m=video ${rtpPort} RTP/AVPF 97`, "a=rtpmap:97 H264/90000", `a=fmtp:97 ${fmtp}`,
    ...feedback.map((fb) => `a=rtcp-fb:97 ${fb}`), "a=sendrecv", "",
  ].join("\r\n");
}

/** The caller's RTP socket and its RTCP socket on the next port, retried when that port is taken. */
async function callerSockets(): Promise<{ rtp: UdpPeer; rtcp: UdpPeer }> {
  for (let attempt = 0; ; attempt++) {
    const rtp = await UdpPeer.open();
    const rtcp = await UdpPeer.open(rtp.port + 1).catch((err: unknown) => { rtp.close(); if (attempt === 9) throw err; return null; });
    if (rtcp) return { rtp, rtcp };
  }
}

export async function sipVideoCaller(opts: {
  feedback: readonly string[];
  clock: Clock;
  fmtp?: string;
}): Promise<SipVideoCaller> {
  const { rtp, rtcp } = await callerSockets();
  const callerVideo = await MediaEndpoint.create({
    pool: testPool(), kind: "video", rtcpMux: false, label: "caller-video",
    remote: { address: "127.0.0.1", port: rtp.port, rtcpPort: rtcp.port },
  });
  const offer = callerOffer(rtp.port, opts.fmtp ?? "profile-level-id=42e00c;packetization-mode=1", opts.feedback);
  const answered = answerOffer(parseSdp(offer), {
    origin: createOrigin({ address: "127.0.0.1" }),
    mediaPolicy: policyByKind({ video: callerVideoPolicy({ address: "127.0.0.1", port: callerVideo.rtpPort }, sdesPolicy()) }),
  });
  if (!answered.ok) {
    callerVideo.close(); rtp.close(); rtcp.close();
    throw new Error(answered.rejection.detail);
  }
  const sipInfos: string[] = [];
  const link = new VideoLink({
    agentId: "1001", callerVideo, callerStream: answered.streams[0]!, clock: opts.clock,
    webrtc: { hostAddress: "127.0.0.1", iceServers: [], acceptRemoteAddress: (ip) => ip.startsWith("127.") },
    sendSipInfo: (_type, body) => sipInfos.push(body),
  });
  return {
    rtp, rtcp, callerVideo, link, answer: answered.answer, sipInfos,
    close() { link.close(); callerVideo.close(); rtp.close(); rtcp.close(); },
  };
}

/** Next RTCP compound at `peer` (the caller's RTCP socket) that contains a packet whose type `match` accepts. */
export async function nextRtcp(peer: UdpPeer, match: (type: string) => boolean, timeoutMs = 3000): Promise<{ datagram: Datagram; types: string[] }> {
  for (;;) {
    const datagram = await peer.next(timeoutMs);
    const types = parseRtcp(datagram.data).map((p) => p.type);
    if (types.some(match)) return { datagram, types };
  }
}
