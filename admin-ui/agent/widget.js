// avsplit agent widget: signalling over a WebSocket, one video-only WebRTC leg per bound session.
// Usage: const w = new AvsplitAgent({ callerVideo, agentVideo }); w.addEventListener("session", ...); w.connect({ agent, token });
export class AvsplitAgent extends EventTarget {
  constructor({ callerVideo, agentVideo, base = location.origin }) {
    super();
    this.callerVideo = callerVideo;
    this.agentVideo = agentVideo;
    this.base = base;
    this.session = null;
    this.pc = null;
    this.camera = null;
    this.retryMs = 500;
    this.closed = false;
  }

  connect(auth = {}) {
    this.auth = auth;
    const url = new URL("/agent/ws", this.base);
    url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
    const ws = new WebSocket(url);
    this.ws = ws;
    ws.onopen = () => {
      this.retryMs = 500;
      // The token travels in the first message, never in a URL (URLs end up in logs).
      ws.send(JSON.stringify({ type: "hello", agent: auth.agent, token: auth.token }));
    };
    ws.onmessage = (ev) => this.onMessage(JSON.parse(ev.data));
    ws.onclose = (ev) => {
      this.emit("connection", { state: "closed", code: ev.code, reason: ev.reason });
      if (this.closed || ev.code === 4401 || ev.code === 4403) return;
      setTimeout(() => this.connect(this.auth), this.retryMs);
      this.retryMs = Math.min(this.retryMs * 2, 10000);
    };
  }

  emit(type, detail) { this.dispatchEvent(new CustomEvent(type, { detail })); }
  send(msg) { if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(msg)); }

  async onMessage(msg) {
    switch (msg.type) {
      case "welcome":
        this.emit("connection", { state: "open", agent: msg.agent });
        break;
      case "session":
        this.session = msg.session;
        this.emit("session", msg.session);
        if (msg.session.video && !this.pc) await this.joinVideo(msg.session.id);
        else if (!msg.session.video && this.pc) this.leaveVideo();
        break;
      case "answer":
        if (this.pc && msg.sessionId === this.session?.id) await this.pc.setRemoteDescription({ type: "answer", sdp: msg.sdp });
        break;
      case "unbound":
        this.leaveVideo();
        this.session = null;
        this.emit("session-ended", msg);
        break;
      case "notice":
        this.emit("notice", msg);
        break;
      case "error":
        this.emit("error", msg);
        break;
    }
  }

  async joinVideo(sessionId) {
    const pc = new RTCPeerConnection({ iceServers: this.session?.iceServers ?? [] });
    this.pc = pc;
    try {
      this.camera ??= await navigator.mediaDevices.getUserMedia({ video: true, audio: false });
      if (this.agentVideo) this.agentVideo.srcObject = this.camera;
      const transceiver = pc.addTransceiver(this.camera.getVideoTracks()[0], { direction: "sendrecv" });
      const h264 = RTCRtpReceiver.getCapabilities("video").codecs.filter((c) => /h264/i.test(c.mimeType));
      if (h264.length) transceiver.setCodecPreferences(h264);
    } catch (err) {
      // No camera: still receive the caller's video.
      pc.addTransceiver("video", { direction: "recvonly" });
      this.emit("error", { message: `camera unavailable: ${err.message}` });
    }
    pc.ontrack = (ev) => {
      if (this.callerVideo) this.callerVideo.srcObject = new MediaStream([ev.track]);
      this.emit("video", { state: "started" });
    };
    pc.onconnectionstatechange = () => this.emit("video", { state: pc.connectionState });
    await pc.setLocalDescription(await pc.createOffer());
    await new Promise((resolve) => {
      if (pc.iceGatheringState === "complete") return resolve();
      pc.onicegatheringstatechange = () => pc.iceGatheringState === "complete" && resolve();
      setTimeout(resolve, 2000);
    });
    this.send({ type: "join", sessionId, sdp: pc.localDescription.sdp });
  }

  leaveVideo() {
    this.pc?.close();
    this.pc = null;
    if (this.callerVideo) this.callerVideo.srcObject = null;
    this.emit("video", { state: "stopped" });
  }

  hangup() { if (this.session) this.send({ type: "hangup", sessionId: this.session.id }); }
  /** Ask the caller for video (110 flow), or drop back to audio. */
  setVideo(on) { if (this.session) this.send({ type: "video", sessionId: this.session.id, on }); }
  bind(query) { this.send({ type: "bind", ...query }); }

  close() {
    this.closed = true;
    this.leaveVideo();
    this.camera?.getTracks().forEach((t) => t.stop());
    this.ws?.close();
  }
}
