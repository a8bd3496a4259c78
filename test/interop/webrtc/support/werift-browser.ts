/**
 * A werift RTCPeerConnection that plays the browser's side of an agent video leg (offers one sendrecv
 * H.264 video transceiver; loopback only) — for fast tests and benches without Chromium.
 */
import { RTCPeerConnection, RTCRtpCodecParameters, type RTCRtpTransceiver } from "werift";
import { asWeriftDtlsTransport, prepareSockets } from "../../../../src/webrtc/werift-internals.ts";

export interface WeriftBrowserOptions {
  /** H.264 formats to offer (fmtp strings); default: Chrome's first two (42e01f mode 1 and 0). */
  h264Fmtps?: string[];
}

export class WeriftBrowser {
  readonly pc: RTCPeerConnection;
  readonly transceiver: RTCRtpTransceiver;

  constructor(opts: WeriftBrowserOptions = {}) {
    const fmtps = opts.h264Fmtps ?? [
      "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f",
      "level-asymmetry-allowed=1;packetization-mode=0;profile-level-id=42e01f",
    ];
    this.pc = new RTCPeerConnection({
      codecs: {
        video: fmtps.map((parameters) => new RTCRtpCodecParameters({
          mimeType: "video/H264", clockRate: 90000, parameters,
          rtcpFeedback: [{ type: "nack" }, { type: "nack", parameter: "pli" }, { type: "ccm", parameter: "fir" }],
        })),
      },
      headerExtensions: { video: [] },
      iceServers: [],
      iceUseIpv4: false,
      iceUseIpv6: false,
      iceAdditionalHostAddresses: ["127.0.0.1"],
      iceInterfaceAddresses: { udp4: "127.0.0.1" },
    });
    this.transceiver = this.pc.addTransceiver("video", { direction: "sendrecv" });
  }

  /** Offer with all candidates gathered. */
  async offer(): Promise<string> {
    await this.pc.setLocalDescription(await this.pc.createOffer());
    if (this.pc.iceGatheringState !== "complete") {
      await new Promise<void>((resolve) => {
        const sub = this.pc.iceGatheringStateChange.subscribe((s) => { if (s === "complete") { sub.unSubscribe(); resolve(); } });
      });
    }
    // 4 MiB SO_RCVBUF (benches) and an "error" listener (werift has none; see prepareSockets).
    prepareSockets(asWeriftDtlsTransport(this.transceiver.dtlsTransport), 4 << 20, () => undefined);
    return this.pc.localDescription!.sdp;
  }

  async accept(answerSdp: string): Promise<void> {
    await this.pc.setRemoteDescription({ type: "answer", sdp: answerSdp });
  }


  connected(): Promise<void> {
    if (this.pc.connectionState === "connected") return Promise.resolve();
    return new Promise((resolve) => {
      const sub = this.pc.connectionStateChange.subscribe((s) => { if (s === "connected") { sub.unSubscribe(); resolve(); } });
    });
  }

  async close(): Promise<void> {
    await this.pc.close();
  }
}
