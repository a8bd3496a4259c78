import { AvsplitAgent } from "/agent/widget.js";

const $ = (name) => document.querySelector(`[data-avsplit="${name}"]`);
const params = new URLSearchParams(location.search);
const hash = new URLSearchParams(location.hash.slice(1));
const widget = new AvsplitAgent({ callerVideo: $("caller-video"), agentVideo: $("agent-video") });
window.avsplit = widget;

const status = (text) => ($("status").textContent = text);
widget.addEventListener("connection", (e) => {
  if (e.detail.state === "open") {
    $("agent").textContent = e.detail.agent;
    status("等待来电");
  }
  else if (e.detail.code === 4401) location.href = `/login?next=${encodeURIComponent(location.pathname + location.search)}`;
  else status("连接断开，正在重连…");
});
widget.addEventListener("session", (e) => {
  const s = e.detail;
  $("caller").textContent = s.callerNumber ?? "";
  $("hangup").disabled = false;
  $("video-on").disabled = s.video;
  $("video-off").disabled = !s.video;
  status(s.video ? "视频通话中" : "语音通话");
});
widget.addEventListener("session-ended", () => {
  $("caller").textContent = "";
  for (const b of ["hangup", "video-on", "video-off"]) $(b).disabled = true;
  status("等待来电");
});
widget.addEventListener("notice", (e) => {
  if (e.detail.code === "video-rejected") status(`主叫未接受视频（${e.detail.status}），继续语音通话`);
});
widget.addEventListener("error", (e) => console.warn("avsplit:", e.detail.message));
$("video-on").addEventListener("click", () => { status("正在请求视频…"); widget.setVideo(true); });
$("video-off").addEventListener("click", () => widget.setVideo(false));
$("hangup").addEventListener("click", () => widget.hangup());
$("bind-form").addEventListener("submit", (e) => {
  e.preventDefault();
  const q = new FormData(e.target).get("query").trim();
  if (q) widget.bind(q.includes(".") ? { sessionId: q } : { callerNumber: q });
});
widget.connect({ agent: params.get("agent") ?? undefined, token: hash.get("token") ?? undefined });
