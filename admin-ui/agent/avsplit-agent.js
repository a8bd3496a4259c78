// <avsplit-agent agent="1001" token="..." lang="zh-CN|en">: the whole agent widget as one element for an agent
// desktop. Renders into its own (light) DOM so the host page can restyle it (default look: /agent/avsplit-agent.css);
// every part carries data-avsplit="...".
// The AvsplitAgent instance is `element.widget`; its events bubble out of the element (docs/widget-sdk.md).
import { AvsplitAgent } from "./widget.js";
import { describeDirection } from "./quality.js";
import { t } from "./strings.js";

const BUTTONS = ["video-on", "video-off", "display", "share", "screenshot", "record", "hangup"];
/** Every event of the SDK, re-dispatched (bubbling) from the element. party-joined/-left: conference, not yet sent. */
export const EVENTS = [
  "connection", "session-bound", "session", "session-ended", "video-started", "video-stopped", "notice", "error",
  "stats", "display", "share", "screenshot", "party-joined", "party-left",
];

/** The caller's position as the call-taker reads it: first shape (with its uncertainty), address, method. */
function describeLocation(location) {
  const shape = location.shapes[0];
  const at = (p) => `${p.lat.toFixed(6)}, ${p.lon.toFixed(6)}`;
  const position = !shape ? "" : shape.kind === "polygon" ? shape.points.map(at).join(" → ")
    : `${at(shape)}${shape.radiusM !== undefined ? ` ± ${shape.radiusM} m` : ""}`;
  const civic = location.civic ? Object.values(location.civic).join(" ") : "";
  return [position, civic, location.method].filter(Boolean).join(" · ");
}

export class AvsplitAgentElement extends HTMLElement {
  static observedAttributes = ["lang"];

  connectedCallback() {
    if (this.widget) return;
    const base = this.getAttribute("base") ?? new URL(import.meta.url).origin;
    // A stylesheet link, not an inline <style>: the appliance's CSP (default-src 'self') forbids inline styles.
    if (!document.getElementById("avsplit-agent-style")) {
      document.head.append(Object.assign(document.createElement("link"), { id: "avsplit-agent-style", rel: "stylesheet", href: new URL("/agent/avsplit-agent.css", base).href }));
    }
    this.render();
    this.widget = new AvsplitAgent({ callerVideo: this.part("caller-video"), agentVideo: this.part("agent-video"), base });
    this.wire();
    this.widget.connect({ agent: this.getAttribute("agent") ?? undefined, token: this.getAttribute("token") ?? undefined });
  }

  disconnectedCallback() {
    this.widget?.close();
    this.widget = undefined;
  }

  attributeChangedCallback() {
    if (this.widget) this.relabel();
  }

  /** The widget's language (HTMLElement's own `lang` stays the plain attribute). */
  get language() { return this.getAttribute("lang") === "en" ? "en" : "zh-CN"; }
  t(key, vars) { return t(this.language, key, vars); }
  part(name) { return this.querySelector(`[data-avsplit="${name}"]`); }

  render() {
    this.innerHTML = `
      <header><strong data-i18n="title"></strong> <span data-avsplit="agent"></span> <span data-avsplit="status"></span></header>
      <section class="avsplit-videos">
        <figure><video data-avsplit="caller-video" autoplay playsinline muted></video><div data-avsplit="quality"></div>
          <figcaption><span data-i18n="callerVideo"></span> <span data-avsplit="caller"></span></figcaption></figure>
        <figure><video data-avsplit="agent-video" autoplay playsinline muted></video><figcaption data-i18n="agentVideo"></figcaption></figure>
      </section>
      <p data-avsplit="location"></p>
      <p data-avsplit="notice"></p>
      <div class="avsplit-controls">
        ${BUTTONS.map((b) => `<button data-avsplit="${b}" disabled${b === "record" ? " hidden" : ""}></button>`).join("")}
        <form data-avsplit="bind-form"><input name="query" /><button data-i18n="bind"></button></form>
      </div>
      <ul data-avsplit="screenshots"></ul>
      <ul class="avsplit-parties" data-avsplit="parties"></ul>`;
    this.status = "connecting";
    this.relabel();
  }

  /** (Re)writes every text in the current language. */
  relabel() {
    for (const el of this.querySelectorAll("[data-i18n]")) el.textContent = this.t(el.dataset.i18n);
    this.part("bind-form").query.placeholder = this.t("bindPlaceholder");
    const w = this.widget;
    const labels = {
      "video-on": "videoOn", "video-off": "videoOff", hangup: "hangup", screenshot: "screenshot",
      display: w?.display === "image" ? "showCamera" : "showImage", share: w?.screen ? "stopShare" : "shareScreen",
      record: w?.session?.recording ? "stopRecording" : "startRecording",
    };
    for (const [b, key] of Object.entries(labels)) this.part(b).textContent = this.t(key);
    this.setStatus(this.status, this.statusVars);
  }

  setStatus(key, vars) {
    this.status = key;
    this.statusVars = vars;
    this.part("status").textContent = this.t(key, vars);
  }

  setNotice(key, vars) {
    this.notice = key;
    this.part("notice").textContent = key ? this.t(key, vars) : "";
  }

  updateButtons() {
    const s = this.widget.session;
    const live = Boolean(s);
    const video = Boolean(s?.video);
    this.part("hangup").disabled = !live;
    this.part("video-on").disabled = !live || video;
    this.part("video-off").disabled = !live || !video;
    this.part("display").disabled = !live;
    this.part("share").disabled = !live || !video;
    this.part("screenshot").disabled = !live || !video;
    // Mode "all" records every call to its end and "none" never does: the button is for "on-demand" only.
    this.part("record").hidden = s?.recordingMode !== "on-demand";
    this.part("record").disabled = !live;
    this.relabel();
  }

  wire() {
    const w = this.widget;
    const on = (type, fn) => w.addEventListener(type, (e) => fn(e.detail));
    on("connection", (d) => {
      if (d.state === "open") {
        this.part("agent").textContent = d.agent;
        if (!w.session) this.setStatus("idle");
      } else if (d.code !== 4401) this.setStatus("reconnecting");
    });
    on("session-bound", () => {
      this.part("screenshots").replaceChildren();
      void w.screenshots().then((files) => files.forEach((f) => this.addScreenshot(f))).catch(() => undefined);
    });
    on("session", (s) => {
      this.part("caller").textContent = s.callerNumber ?? "";
      this.part("location").textContent = s.location ? `${this.t("location")}: ${describeLocation(s.location)}` : "";
      this.setStatus(s.video ? "videoCall" : "audioCall");
      // A session update must not wipe a warning (video failed, no H.264...): only the audio-only hint follows it.
      if (!s.video) this.setNotice("audioOnlyHint");
      else if (this.notice === "audioOnlyHint") this.setNotice(null);
      this.updateButtons();
    });
    on("session-ended", () => {
      this.part("caller").textContent = "";
      this.part("location").textContent = "";
      this.part("quality").textContent = "";
      this.part("screenshots").replaceChildren();
      this.setStatus("idle");
      this.setNotice(null);
      this.updateButtons();
    });
    on("video-stopped", () => (this.part("quality").textContent = ""));
    on("notice", (n) => {
      if (n.code === "video-rejected") this.setStatus("videoRejected", { status: n.status });
      else if (n.code === "no-caller-video") this.setNotice("noCallerVideo");
    });
    on("error", (e) => {
      if (e.code === "video-failed") this.setNotice("videoFailed");
      else if (e.code === "camera-unavailable") this.setNotice("cameraUnavailable");
      else if (e.code === "video-unsupported") this.setNotice("videoUnsupported");
      console.warn("avsplit:", e.message);
    });
    on("stats", (q) => {
      this.part("quality").textContent = `${this.t("qualityIn")} ${describeDirection(q.caller, this.t.bind(this))}\n${this.t("qualityOut")} ${describeDirection(q.agent, this.t.bind(this))}`;
      if ((q.caller?.framesDecoded ?? 0) > 0 && this.notice === "noCallerVideo") this.setNotice(null);
    });
    on("display", () => this.relabel());
    on("share", () => this.relabel());
    on("screenshot", (f) => {
      this.addScreenshot(f);
      this.setNotice("screenshotSaved", f);
    });

    // After the element's own handlers, so a host listener sees the element already updated.
    for (const type of EVENTS) w.addEventListener(type, (e) => this.dispatchEvent(new CustomEvent(type, { detail: e.detail, bubbles: true, composed: true })));
    this.part("video-on").addEventListener("click", () => { this.setStatus("requestingVideo"); w.setVideo(true); });
    this.part("video-off").addEventListener("click", () => w.setVideo(false));
    this.part("hangup").addEventListener("click", () => w.hangup());
    this.part("record").addEventListener("click", () => w.setRecording(!w.session?.recording));
    this.part("display").addEventListener("click", () => void w.setDisplay(w.display === "image" ? "camera" : "image"));
    this.part("share").addEventListener("click", () => void w.shareScreen(!w.screen));
    this.part("screenshot").addEventListener("click", () => void w.screenshot().catch((err) => this.setNotice("screenshotFailed", { message: err.message })));
    this.part("bind-form").addEventListener("submit", (e) => {
      e.preventDefault();
      const q = new FormData(e.target).get("query").trim();
      if (q) w.bind(q.includes(".") ? { sessionId: q } : { callerNumber: q });
    });
  }

  /** One entry of the screenshot list: a thumbnail fetched with the agent's credentials. */
  addScreenshot(file) {
    const li = document.createElement("li");
    li.dataset.fileId = file.id;
    const img = document.createElement("img");
    img.alt = new Date(file.createdAt).toLocaleTimeString(this.language);
    li.append(img);
    this.part("screenshots").append(li);
    void this.widget.api(file.url).then((r) => r.blob()).then((b) => (img.src = URL.createObjectURL(b))).catch(() => undefined);
  }
}

if (!customElements.get("avsplit-agent")) customElements.define("avsplit-agent", AvsplitAgentElement);
