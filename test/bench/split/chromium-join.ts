/**
 * Agent join -> first decoded frame in headless Chromium. An init script (not the widget's own code, so it
 * holds whatever the widget looks like) stamps the widget's "session" message as the page receives it and
 * polls getStats() of every RTCPeerConnection made after it, every 20 ms, for the first RTP packet and the
 * first decoded frame.
 */
import type { Page } from "playwright-core";

export interface JoinSample { sessionId: string; firstRtpMs: number | null; firstFrameMs: number | null }

const INIT = () => {
  type Sample = { t0: number; rtp?: number; frame?: number };
  const bench = { sessions: {} as Record<string, Sample>, current: "", pcs: [] as { pc: RTCPeerConnection; at: number }[] };
  (window as unknown as { __bench: typeof bench }).__bench = bench;
  const NativeWS = window.WebSocket;
  window.WebSocket = class extends NativeWS {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      this.addEventListener("message", (ev) => {
        try {
          const m = JSON.parse(String(ev.data));
          if (m.type === "session" && m.session?.video && !bench.sessions[m.session.id]) {
            bench.sessions[m.session.id] = { t0: performance.now() };
            bench.current = m.session.id;
          }
        } catch { /* not ours to judge */ }
      });
    }
  };
  const NativePC = window.RTCPeerConnection;
  window.RTCPeerConnection = class extends NativePC {
    constructor(config?: RTCConfiguration) {
      super(config);
      bench.pcs.push({ pc: this, at: performance.now() });
    }
  };
  let busy = false;
  setInterval(async () => {
    const s = bench.sessions[bench.current];
    if (!s || s.frame !== undefined || busy) return;
    busy = true;
    try {
      for (const { pc, at } of bench.pcs) {
        if (at < s.t0 || pc.connectionState === "closed") continue;
        (await pc.getStats()).forEach((r) => {
          if (r.type !== "inbound-rtp" || r.kind !== "video") return;
          const now = performance.now() - s.t0;
          if (s.rtp === undefined && r.packetsReceived > 0) s.rtp = now;
          if (s.frame === undefined && r.framesDecoded > 0) s.frame = now;
        });
      }
    } finally {
      busy = false;
    }
  }, 20);
};

export async function instrumentPage(page: Page): Promise<void> {
  await page.addInitScript(INIT);
}

export async function joinSamples(page: Page): Promise<JoinSample[]> {
  return page.evaluate(() => {
    const b = (window as unknown as { __bench?: { sessions: Record<string, { t0: number; rtp?: number; frame?: number }> } }).__bench;
    if (!b) return [];
    return Object.entries(b.sessions).map(([sessionId, s]) => ({ sessionId, firstRtpMs: s.rtp ?? null, firstFrameMs: s.frame ?? null }));
  });
}
