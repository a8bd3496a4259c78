// avsplit agent widget SDK: signalling over a WebSocket, one video-only WebRTC leg per bound session, and the
// agent's commands (hang up, audio <-> video, still image or screen instead of the camera, screenshots).
// Usage: const w = new AvsplitAgent({ callerVideo, agentVideo }); w.addEventListener("session-bound", ...); w.connect({ agent, token });
// Events and commands: docs/widget-sdk.md.
import { sampleQuality } from "./quality.js";

const IMAGE_SIZE = { width: 640, height: 480 };
/** No new caller frame for this long while the leg is up => tell the agent the caller sends no video. */
const NO_VIDEO_AFTER_MS = 6000;
/** A video leg not connected this long after the offer went out has failed (ICE/DTLS blocked on the way). */
const CONNECT_TIMEOUT_MS = 10000;

/** Re-offers after a failed video join before the widget gives up (until the next session update). */
const MAX_JOIN_RETRIES = 3;

const hasH264 = (capabilities) => capabilities?.codecs.some((c) => /h264/i.test(c.mimeType)) ?? false;
const browserHasH264 = () => hasH264(RTCRtpReceiver.getCapabilities("video")) && hasH264(RTCRtpSender.getCapabilities("video"));

export class AvsplitAgent extends EventTarget {
  constructor({ callerVideo, agentVideo, base = location.origin, statsIntervalMs = 1000 } = {}) {
    super();
    this.callerVideo = callerVideo;
    this.agentVideo = agentVideo;
    this.base = base;
    this.statsIntervalMs = statsIntervalMs;
    this.session = null;
    this.pc = null;
    this.sender = null;
    this.camera = null;
    /** "camera" or "image": what the caller sees when no screen is shared. */
    this.display = "camera";
    this.screen = null;
    this.image = null;
    this.quality = null;
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
    ws.onmessage = (ev) => void this.onMessage(JSON.parse(ev.data)).catch((err) => this.emit("error", { code: "internal", message: err.message }));
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
      case "session": {
        const isNew = this.session?.id !== msg.session.id;
        this.session = msg.session;
        if (isNew) this.emit("session-bound", msg.session);
        this.emit("session", msg.session);
        if (msg.session.video && !this.pc) await this.joinVideo(msg.session.id);
        else if (!msg.session.video && this.pc) this.leaveVideo();
        break;
      }
      case "answer":
        if (this.pc && msg.sessionId === this.session?.id) await this.pc.setRemoteDescription({ type: "answer", sdp: msg.sdp });
        break;
      case "unbound":
        this.leaveVideo();
        // A shared screen must not carry over into the agent's next call.
        await this.shareScreen(false);
        this.session = null;
        this.emit("session-ended", msg);
        break;
      case "notice":
        this.emit("notice", msg);
        break;
      case "error":
        this.emit("error", { code: "server", message: msg.message });
        break;
    }
  }

  async joinVideo(sessionId) {
    // Video is passed through as H.264 (no transcoding): a browser without it (Firefox before its OpenH264
    // plugin is installed) cannot take part, which retrying will not change.
    if (!browserHasH264()) {
      this.emit("error", { code: "video-unsupported", message: "this browser cannot send or receive H.264 video" });
      return;
    }
    const pc = new RTCPeerConnection({ iceServers: this.session?.iceServers ?? [] });
    this.pc = pc;
    if (this.display === "camera") {
      try {
        this.camera ??= await navigator.mediaDevices.getUserMedia({ video: true, audio: false });
      } catch (err) {
        // No camera: the caller sees the still image instead.
        this.display = "image";
        this.emit("error", { code: "camera-unavailable", message: `camera unavailable: ${err.message}` });
        this.emit("display", { mode: "image" });
      }
    }
    const track = await this.sourceTrack();
    const transceiver = pc.addTransceiver(track, { direction: "sendrecv" });
    this.sender = transceiver.sender;
    const h264 = RTCRtpReceiver.getCapabilities("video").codecs.filter((c) => /h264/i.test(c.mimeType));
    if (h264.length && transceiver.setCodecPreferences) transceiver.setCodecPreferences(h264);
    this.showOutgoing(track);
    // The camera is the default; anything else the caller sees from the start is recorded.
    if (this.display === "image" || this.screen) void this.recordSource();
    pc.ontrack = (ev) => {
      if (this.callerVideo) this.callerVideo.srcObject = new MediaStream([ev.track]);
      this.emit("video-started", { sessionId });
    };
    let failed = false;
    const fail = (message) => {
      if (failed || this.pc !== pc) return;
      failed = true;
      this.emit("error", { code: "video-failed", message });
      // A busy appliance or network may drop a join: offer again, a few times, with growing pauses.
      this.leaveVideo();
      const attempt = (this.joinAttempts = (this.joinAttempts ?? 0) + 1);
      if (attempt <= MAX_JOIN_RETRIES) {
        setTimeout(() => {
          if (this.session?.id === sessionId && this.session.video && !this.pc) void this.joinVideo(sessionId);
        }, 1000 * 2 ** (attempt - 1));
      }
    };
    pc.onconnectionstatechange = () => {
      if (pc.connectionState === "connected") this.joinAttempts = 0;
      if (pc.connectionState === "failed") fail("the video connection failed");
    };
    setTimeout(() => pc.connectionState !== "connected" && fail(`the video connection did not come up within ${CONNECT_TIMEOUT_MS / 1000} s`), CONNECT_TIMEOUT_MS);
    this.watchQuality(pc);
    await pc.setLocalDescription(await pc.createOffer());
    await new Promise((resolve) => {
      if (pc.iceGatheringState === "complete") return resolve();
      pc.onicegatheringstatechange = () => pc.iceGatheringState === "complete" && resolve();
      setTimeout(resolve, 2000);
    });
    if (this.pc === pc) this.send({ type: "join", sessionId, sdp: pc.localDescription.sdp });
  }

  leaveVideo() {
    if (!this.pc) return;
    this.pc.close();
    this.pc = null;
    this.sender = null;
    clearInterval(this.qualityTimer);
    this.quality = null;
    if (this.callerVideo) this.callerVideo.srcObject = null;
    this.emit("video-stopped", { sessionId: this.session?.id ?? null });
  }

  /** What the caller should see now: the shared screen, else the still image or the camera. */
  async sourceTrack() {
    if (this.screen) return this.screen.getVideoTracks()[0];
    if (this.display === "image" || !this.camera) return (await this.imageStream()).getVideoTracks()[0];
    return this.camera.getVideoTracks()[0];
  }

  showOutgoing(track) {
    if (this.agentVideo) this.agentVideo.srcObject = track ? new MediaStream([track]) : null;
  }

  async applySource() {
    const track = await this.sourceTrack();
    if (this.sender) await this.sender.replaceTrack(track);
    this.showOutgoing(track);
    if (this.sender) await this.recordSource();
  }

  /** What the caller is shown is part of the call's record (audited on the appliance). */
  async recordSource() {
    if (!this.session) return;
    const source = this.screen ? "screen" : this.display === "image" || !this.camera ? "image" : "camera";
    await this.api(`/agent/api/sessions/${encodeURIComponent(this.session.id)}/display`, {
      method: "POST", body: JSON.stringify({ source }), headers: { "content-type": "application/json" },
    }).catch((err) => this.emit("error", { code: "server", message: `display change not recorded: ${err.message}` }));
  }

  /** The display image painted on a canvas, as a 5 fps track (repainted so the encoder keeps producing frames). */
  async imageStream() {
    if (this.image) return this.image.stream;
    const img = new Image();
    img.src = new URL("/agent/display-image", this.base).href;
    await img.decode();
    const canvas = document.createElement("canvas");
    Object.assign(canvas, IMAGE_SIZE);
    const g = canvas.getContext("2d");
    const paint = () => {
      g.fillStyle = "#000";
      g.fillRect(0, 0, canvas.width, canvas.height);
      const scale = Math.min(canvas.width / img.naturalWidth, canvas.height / img.naturalHeight);
      const w = img.naturalWidth * scale;
      const h = img.naturalHeight * scale;
      g.drawImage(img, (canvas.width - w) / 2, (canvas.height - h) / 2, w, h);
    };
    paint();
    const stream = canvas.captureStream(5);
    const timer = setInterval(paint, 200);
    this.image = { stream, canvas, timer };
    return stream;
  }

  /** "image": the caller sees the display image instead of the camera; "camera": back to the camera. */
  async setDisplay(mode) {
    if (mode !== "image" && mode !== "camera") throw new TypeError(`display mode must be "image" or "camera", not ${mode}`);
    if (mode === "camera" && !this.camera) {
      try {
        this.camera = await navigator.mediaDevices.getUserMedia({ video: true, audio: false });
      } catch (err) {
        this.emit("error", { code: "camera-unavailable", message: `camera unavailable: ${err.message}` });
        return;
      }
    }
    this.display = mode;
    await this.applySource();
    this.emit("display", { mode });
  }

  /** Shares a screen, window or tab with the caller in place of the camera (or image); off: back to it. */
  async shareScreen(on) {
    if (on && !this.screen) {
      try {
        this.screen = await navigator.mediaDevices.getDisplayMedia({ video: true, audio: false });
      } catch (err) {
        this.emit("error", { code: "share-failed", message: `screen sharing failed: ${err.message}` });
        return;
      }
      const track = this.screen.getVideoTracks()[0];
      track.addEventListener("ended", () => void this.shareScreen(false));
      await this.applySource();
      this.emit("share", { on: true, label: track.label });
    } else if (!on && this.screen) {
      const screen = this.screen;
      this.screen = null;
      await this.applySource();
      screen.getTracks().forEach((t) => t.stop());
      this.emit("share", { on: false });
    }
  }

  /**
   * A PNG of the caller's current video frame at its own size, stored with the session on the appliance.
   * Resolves with the stored file ({ id, url, width, height, bytes, sha256, createdAt }).
   */
  async screenshot() {
    const video = this.callerVideo;
    if (!this.session || !video || !video.videoWidth) throw new Error("no caller video to capture");
    const canvas = document.createElement("canvas");
    canvas.width = video.videoWidth;
    canvas.height = video.videoHeight;
    canvas.getContext("2d").drawImage(video, 0, 0);
    const png = await new Promise((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error("PNG encoding failed"))), "image/png"));
    const res = await this.api(`/agent/api/sessions/${encodeURIComponent(this.session.id)}/screenshots`, { method: "POST", body: png, headers: { "content-type": "image/png" } });
    const file = await res.json();
    this.emit("screenshot", file);
    return file;
  }

  /** The screenshots stored for the current session. */
  async screenshots() {
    if (!this.session) return [];
    return (await this.api(`/agent/api/sessions/${encodeURIComponent(this.session.id)}/screenshots`)).json();
  }

  /** fetch() with the agent's credentials: the embed token in headers, or the console cookie plus its CSRF token. */
  async api(path, init = {}) {
    const headers = new Headers(init.headers);
    if (this.auth?.token) {
      headers.set("x-avsplit-agent", this.auth.agent);
      headers.set("authorization", `Bearer ${this.auth.token}`);
    } else if (init.method && init.method !== "GET") {
      this.csrf ??= (await (await fetch(new URL("/agent/api/csrf", this.base), { credentials: "same-origin" })).json()).csrf;
      if (this.csrf) headers.set("x-csrf-token", this.csrf);
    }
    const res = await fetch(new URL(path, this.base), { ...init, headers, credentials: "same-origin" });
    if (!res.ok) throw new Error(`${res.status} ${(await res.text()).slice(0, 200)}`);
    return res;
  }

  watchQuality(pc) {
    let lastFrames = 0;
    let lastFrameAt = performance.now();
    let warned = false;
    this.qualityTimer = setInterval(async () => {
      if (this.pc !== pc) return;
      this.quality = await sampleQuality(pc, this.quality);
      const frames = this.quality.caller?.framesDecoded ?? 0;
      if (frames !== lastFrames) {
        lastFrames = frames;
        lastFrameAt = this.quality.at;
        warned = false;
      } else if (!warned && pc.connectionState === "connected" && this.quality.at - lastFrameAt > NO_VIDEO_AFTER_MS) {
        warned = true;
        this.emit("notice", { sessionId: this.session?.id ?? null, code: "no-caller-video" });
      }
      this.emit("stats", this.quality);
    }, this.statsIntervalMs);
  }

  hangup() { if (this.session) this.send({ type: "hangup", sessionId: this.session.id }); }
  /** Ask the caller for video (110 flow), or drop back to audio. */
  setVideo(on) { if (this.session) this.send({ type: "video", sessionId: this.session.id, on }); }
  /** Start or stop recording the caller (recording mode "on-demand"); the next "session" event carries `recording`. */
  setRecording(on) { if (this.session) this.send({ type: "record", sessionId: this.session.id, on }); }
  bind(query) { this.send({ type: "bind", ...query }); }

  close() {
    this.closed = true;
    this.leaveVideo();
    this.camera?.getTracks().forEach((t) => t.stop());
    this.screen?.getTracks().forEach((t) => t.stop());
    if (this.image) clearInterval(this.image.timer);
    this.ws?.close();
  }
}
