/** @jsxImportSource hono/jsx */
/**
 * The SIP ladder of one session, server-rendered as SVG: three lanes (caller | avsplit | call center), one arrow per
 * message from the SIP trace of each leg's Call-ID. Message text is caller-supplied: it is only ever emitted as
 * JSX text (escaped), never as markup.
 */
import type { LegRecord } from "../../store/session-history.ts";
import type { ArchivedMessage, TraceLookup } from "../../store/sip-trace-archive.ts";

/** Where the trace of a Call-ID comes from: the running SIP stack (SipTrace), or the archive for ended calls. */
export type SipTraceSource = TraceLookup;

export type Lane = 0 | 1 | 2;

export interface LadderMessage extends ArchivedMessage { callId: string; legKind: LegRecord["kind"]; from: Lane; to: Lane }

const LANE_X = [90, 360, 630];
const ROW = 30;
const TOP = 50;
const LABEL_MAX = 64;

/** Messages of all legs with a Call-ID, in time order, placed on lanes. */
export function ladderMessages(legs: Pick<LegRecord, "kind" | "callId">[], trace: SipTraceSource | undefined): LadderMessage[] {
  if (!trace) return [];
  const out: LadderMessage[] = [];
  const seen = new Set<string>();
  for (const leg of legs) {
    if (!leg.callId || seen.has(leg.callId)) continue;
    seen.add(leg.callId);
    const far: Lane = leg.kind === "caller" ? 0 : 2;
    for (const e of trace.get(leg.callId)) {
      out.push({ ...e, callId: leg.callId, legKind: leg.kind, from: e.direction === "in" ? far : 1, to: e.direction === "in" ? 1 : far });
    }
  }
  return out.sort((a, b) => a.time - b.time);
}

const shorten = (s: string) => (s.length > LABEL_MAX ? `${s.slice(0, LABEL_MAX - 1)}…` : s);
const summary = (firstLine: string) => shorten(firstLine.replace(/ SIP\/2\.0$/, "").replace(/^SIP\/2\.0 /, ""));

export function SipLadder(props: { messages: LadderMessage[]; lanes: [string, string, string] }) {
  const { messages } = props;
  const height = TOP + messages.length * ROW + 20;
  const t0 = messages[0]?.time ?? 0;
  return (
    <figure class="ladder">
      <svg xmlns="http://www.w3.org/2000/svg" width="720" height={height} viewBox={`0 0 720 ${height}`} role="img" aria-label="SIP ladder">
        <defs>
          <marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
            <path d="M 0 0 L 10 5 L 0 10 z" fill="#16324f" />
          </marker>
        </defs>
        {props.lanes.map((name, i) => (
          <g>
            <text x={LANE_X[i]} y="20" text-anchor="middle" font-weight="bold">{name}</text>
            <line x1={LANE_X[i]} y1="30" x2={LANE_X[i]} y2={height - 10} stroke="#9aa5b1" stroke-dasharray="4 3" />
          </g>
        ))}
        {messages.map((m, i) => {
          const y = TOP + i * ROW;
          const x1 = LANE_X[m.from];
          const x2 = LANE_X[m.to];
          return (
            <g class="sip-msg" data-call-id={m.callId}>
              <text x={(x1 + x2) / 2} y={y - 5} text-anchor="middle" font-size="12">{summary(m.firstLine)}</text>
              <line x1={x1} y1={y} x2={x2} y2={y} stroke="#16324f" stroke-width="1.5" marker-end="url(#arrow)" />
              <text x="4" y={y + 4} font-size="10" fill="#5a6675">+{((m.time - t0) / 1000).toFixed(3)}s</text>
            </g>
          );
        })}
      </svg>
    </figure>
  );
}

/** The full text of every message, collapsed, under the ladder. */
export function SipMessageList(props: { messages: LadderMessage[] }) {
  return (
    <ol class="sip-messages">
      {props.messages.map((m) => (
        <li>
          <details>
            <summary>{new Date(m.time).toISOString()} {m.direction === "in" ? "←" : "→"} {m.legKind} {m.remote.transport}:{m.remote.host}:{m.remote.port} · {m.firstLine}</summary>
            <pre>{m.text}</pre>
          </details>
        </li>
      ))}
    </ol>
  );
}

/** Plain text of the trace (for the evidence package). */
export function traceText(messages: LadderMessage[]): string {
  return messages
    .map((m) => `=== ${new Date(m.time).toISOString()} ${m.direction === "in" ? "received from" : "sent to"} ${m.remote.transport}:${m.remote.host}:${m.remote.port} (${m.legKind} leg, Call-ID ${m.callId})\n${m.text}\n`)
    .join("\n");
}
