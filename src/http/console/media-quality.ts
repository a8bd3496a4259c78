/** One-line media quality of a live session from SessionManager media stats: loss and jitter per caller stream. */

interface Rx { lost?: number; expected?: number; jitterMs?: number; bitrateBps?: number }

const STREAMS: [string, string][] = [["callerAudio", "A"], ["callerVideo", "V"]];

export function qualityOf(stats: Record<string, unknown> | undefined): string {
  if (!stats) return "";
  const parts: string[] = [];
  for (const [key, label] of STREAMS) {
    const rx = (stats[key] as { rx?: Rx } | undefined)?.rx;
    if (!rx) continue;
    const loss = rx.expected ? (100 * Math.max(0, rx.lost ?? 0)) / rx.expected : 0;
    parts.push(`${label} ${loss.toFixed(1)}% ${Math.round(rx.jitterMs ?? 0)} ms ${Math.round((rx.bitrateBps ?? 0) / 1000)} kb/s`);
  }
  return parts.join(" · ");
}
