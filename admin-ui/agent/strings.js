// The widget's words in zh-CN (default) and en. t(lang, key, vars) fills {name} placeholders.
const STRINGS = {
  "zh-CN": {
    title: "坐席视频", location: "主叫位置", connecting: "连接中…", idle: "等待来电", reconnecting: "连接断开，正在重连…",
    videoCall: "视频通话中", audioCall: "语音通话", requestingVideo: "正在请求视频…",
    videoRejected: "主叫未接受视频（{status}），继续语音通话",
    audioOnlyHint: "主叫为语音通话（无视频）。可点击“请求视频”。",
    noCallerVideo: "未收到主叫视频：主叫的网络或终端可能不支持视频。",
    videoFailed: "视频连接失败，请检查网络。",
    videoUnsupported: "本浏览器不支持 H.264 视频，无法显示视频（Firefox 请启用 OpenH264 插件），通话继续为语音。",
    cameraUnavailable: "摄像头不可用，主叫看到的是静态图片。",
    callerVideo: "来电视频", agentVideo: "主叫看到的画面",
    videoOn: "请求视频", videoOff: "转为语音", hangup: "挂断",
    showImage: "切换为图片", showCamera: "切换为摄像头", shareScreen: "共享屏幕", stopShare: "停止共享",
    startRecording: "开始录像", stopRecording: "停止录像",
    screenshot: "截图", screenshots: "截图记录", screenshotSaved: "截图已保存（{width}×{height}）", screenshotFailed: "截图失败：{message}",
    bindPlaceholder: "主叫号码或会话号", bind: "手动关联",
    qualityIn: "收", qualityOut: "发", loss: "丢包",
  },
  en: {
    title: "Agent video", location: "Caller location", connecting: "Connecting…", idle: "Waiting for a call", reconnecting: "Disconnected, reconnecting…",
    videoCall: "Video call", audioCall: "Audio call", requestingVideo: "Asking the caller for video…",
    videoRejected: "The caller declined video ({status}); the call stays audio",
    audioOnlyHint: "The caller is on an audio-only call. Press “Request video” to ask for video.",
    noCallerVideo: "No video from the caller: their network or phone may not support video.",
    videoFailed: "The video connection failed; check the network.",
    videoUnsupported: "This browser cannot play H.264 video (Firefox: enable the OpenH264 plugin); the call continues as audio.",
    cameraUnavailable: "Camera unavailable: the caller sees the still image.",
    callerVideo: "Caller video", agentVideo: "What the caller sees",
    videoOn: "Request video", videoOff: "Audio only", hangup: "Hang up",
    showImage: "Show image", showCamera: "Show camera", shareScreen: "Share screen", stopShare: "Stop sharing",
    startRecording: "Record", stopRecording: "Stop recording",
    screenshot: "Screenshot", screenshots: "Screenshots", screenshotSaved: "Screenshot saved ({width}×{height})", screenshotFailed: "Screenshot failed: {message}",
    bindPlaceholder: "Caller number or session id", bind: "Bind",
    qualityIn: "in", qualityOut: "out", loss: "loss",
  },
};

export const LANGUAGES = Object.keys(STRINGS);

export function t(lang, key, vars = {}) {
  const table = STRINGS[lang] ?? STRINGS["zh-CN"];
  const text = table[key] ?? STRINGS["zh-CN"][key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, k) => String(vars[k] ?? ""));
}
