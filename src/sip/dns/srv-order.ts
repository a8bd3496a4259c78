/** RFC 2782 target selection: lowest priority first; within a priority, weighted random order. */
import type { SrvRecord } from "./dns-lookup.ts";

export function orderSrv<T extends SrvRecord>(records: readonly T[], random: () => number = Math.random): T[] {
  const byPriority = new Map<number, T[]>();
  for (const r of records) byPriority.set(r.priority, [...(byPriority.get(r.priority) ?? []), r]);
  const ordered: T[] = [];
  for (const priority of [...byPriority.keys()].sort((a, b) => a - b)) ordered.push(...weightedOrder(byPriority.get(priority)!, random));
  return ordered;
}

/** Repeatedly pick one by weight among those left; weight-0 records come first so they keep a small chance (RFC 2782). */
function weightedOrder<T extends SrvRecord>(group: T[], random: () => number): T[] {
  const left = [...group].sort((a, b) => (a.weight === 0 ? 0 : 1) - (b.weight === 0 ? 0 : 1));
  const out: T[] = [];
  while (left.length > 0) {
    const total = left.reduce((sum, r) => sum + r.weight, 0);
    const pick = Math.floor(random() * (total + 1));
    let running = 0;
    let index = left.findIndex((r) => (running += r.weight) >= pick);
    if (index < 0) index = left.length - 1;
    out.push(...left.splice(index, 1));
  }
  return out;
}
