/** Bounded per-Call-ID record of every SIP message sent and received (for the admin ladder view). */
import type { SipMessage } from "./message/index.ts";
import type { Endpoint } from "./transport/types.ts";
import type { Clock } from "../util/clock.ts";
import { systemClock } from "../util/clock.ts";
import { createLogger, isLogLevelEnabled } from "../observability/log.ts";

export type TraceDirection = "in" | "out";

export interface TraceEntry {
  time: number;
  direction: TraceDirection;
  remote: Endpoint;
  local?: Endpoint;
  firstLine: string;
  /** Full message text, cut to maxTextBytes. */
  text: string;
}

export interface SipTraceOptions {
  /** Calls kept; the least recently active one is forgotten beyond it. */
  maxCalls?: number;
  maxEntriesPerCall?: number;
  maxTextBytes?: number;
  clock?: Clock;
}

const log = createLogger("sip.trace");
const decoder = new TextDecoder();

export class SipTrace {
  private readonly calls = new Map<string, TraceEntry[]>();
  private readonly maxCalls: number;
  private readonly maxEntries: number;
  private readonly maxText: number;
  private readonly clock: Clock;

  constructor(opts: SipTraceOptions = {}) {
    this.maxCalls = opts.maxCalls ?? 1000;
    this.maxEntries = opts.maxEntriesPerCall ?? 200;
    this.maxText = opts.maxTextBytes ?? 16_384;
    this.clock = opts.clock ?? systemClock;
  }

  record(direction: TraceDirection, message: SipMessage, remote: Endpoint, local?: Endpoint, wire?: Uint8Array): void {
    let callId: string;
    try { callId = message.callId; } catch { return; }
    const bytes = wire ?? message.serialize();
    const text = decoder.decode(bytes.length > this.maxText ? bytes.subarray(0, this.maxText) : bytes);
    const eol = text.indexOf("\r\n");
    const entry: TraceEntry = { time: this.clock.now(), direction, remote, local, firstLine: eol >= 0 ? text.slice(0, eol) : text, text };
    let entries = this.calls.get(callId);
    if (entries) this.calls.delete(callId);
    else {
      if (this.calls.size >= this.maxCalls) this.calls.delete(this.calls.keys().next().value as string);
      entries = [];
    }
    this.calls.set(callId, entries);
    if (entries.length >= this.maxEntries) entries.shift();
    entries.push(entry);
    if (isLogLevelEnabled("debug")) {
      log.debug(direction === "in" ? "sip recv" : "sip send", {
        callId, remote: `${remote.transport}:${remote.host}:${remote.port}`, firstLine: entry.firstLine, text,
      });
    }
  }

  get(callId: string): TraceEntry[] { return [...(this.calls.get(callId) ?? [])]; }
  callIds(): string[] { return [...this.calls.keys()]; }
  clear(): void { this.calls.clear(); }
}
