/** @jsxImportSource hono/jsx */
/** Media statistics (nested objects of counters) as a compact key: value list. */

const MAX_DEPTH = 4;

export function flattenStats(value: unknown, prefix = "", depth = 0, out: [string, string][] = []): [string, string][] {
  if (value !== null && typeof value === "object" && !Array.isArray(value) && depth < MAX_DEPTH) {
    for (const [k, v] of Object.entries(value)) flattenStats(v, prefix ? `${prefix}.${k}` : k, depth + 1, out);
  } else if (value !== undefined) {
    out.push([prefix, typeof value === "number" && !Number.isInteger(value) ? value.toFixed(2) : typeof value === "string" ? value : JSON.stringify(value)]);
  }
  return out;
}

export function StatsList(props: { stats: unknown }) {
  return <dl class="stats">{flattenStats(props.stats).map(([k, v]) => <><dt>{k}</dt><dd>{v}</dd></>)}</dl>;
}
