/** Structured JSON logs, one object per line on stderr (journald keeps them). */
export type LogLevel = "debug" | "info" | "warn" | "error";
const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

let threshold: number = ORDER.info;
let sink: (line: string) => void = (line) => process.stderr.write(line + "\n");

export function setLogLevel(level: LogLevel): void { threshold = ORDER[level]; }
/** The level set (a worker thread starts with it). */
export function logLevel(): LogLevel { return (Object.keys(ORDER) as LogLevel[]).find((l) => ORDER[l] === threshold) ?? "info"; }
/** Tests capture or silence logs through this. */
export function setLogSink(fn: (line: string) => void): void { sink = fn; }
export function isLogLevelEnabled(level: LogLevel): boolean { return ORDER[level] >= threshold; }

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  child(component: string): Logger;
}

function errorFields(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) out[k] = v instanceof Error ? { message: v.message, name: v.name } : v;
  return out;
}

export function createLogger(component: string): Logger {
  const write = (level: LogLevel, msg: string, fields?: Record<string, unknown>) => {
    if (ORDER[level] < threshold) return;
    sink(JSON.stringify({ t: new Date().toISOString(), level, c: component, msg, ...(fields ? errorFields(fields) : {}) }));
  };
  return {
    debug: (m, f) => write("debug", m, f),
    info: (m, f) => write("info", m, f),
    warn: (m, f) => write("warn", m, f),
    error: (m, f) => write("error", m, f),
    child: (sub) => createLogger(`${component}.${sub}`),
  };
}
