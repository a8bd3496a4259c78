/**
 * A small Prometheus registry (text exposition format 0.0.4).
 * Any layer may register metrics here; only http/ renders them.
 */
type Labels = Record<string, string>;

function labelKey(labels: Labels | undefined): string {
  if (!labels) return "";
  const keys = Object.keys(labels).sort();
  if (keys.length === 0) return "";
  return "{" + keys.map((k) => `${k}="${escapeLabel(labels[k])}"`).join(",") + "}";
}

function escapeLabel(v: string): string {
  return v.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');
}

abstract class Metric {
  constructor(readonly name: string, readonly help: string, readonly type: string) {}
  abstract samples(): string[];
  render(): string {
    return [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} ${this.type}`, ...this.samples()].join("\n");
  }
}

export class Counter extends Metric {
  private values = new Map<string, number>();
  constructor(name: string, help: string) { super(name, help, "counter"); }
  inc(labels?: Labels, by = 1): void {
    const k = labelKey(labels);
    this.values.set(k, (this.values.get(k) ?? 0) + by);
  }
  get(labels?: Labels): number { return this.values.get(labelKey(labels)) ?? 0; }
  samples(): string[] {
    if (this.values.size === 0) return [`${this.name} 0`];
    return [...this.values].map(([k, v]) => `${this.name}${k} ${v}`);
  }
  /** The counts by label set, which start again from zero. */
  take(): [string, number][] {
    const out = [...this.values];
    this.values.clear();
    return out;
  }
  add(counts: [string, number][]): void {
    for (const [k, by] of counts) this.values.set(k, (this.values.get(k) ?? 0) + by);
  }
}

/** Counter increments made on one thread, to be added to another thread's registry: [name, help, counts]. */
export type CounterCounts = [name: string, help: string, counts: [string, number][]][];

export class Gauge extends Metric {
  private values = new Map<string, number>();
  private collector?: () => number;
  constructor(name: string, help: string) { super(name, help, "gauge"); }
  set(value: number, labels?: Labels): void { this.values.set(labelKey(labels), value); }
  inc(labels?: Labels, by = 1): void {
    const k = labelKey(labels);
    this.values.set(k, (this.values.get(k) ?? 0) + by);
  }
  dec(labels?: Labels, by = 1): void { this.inc(labels, -by); }
  get(labels?: Labels): number { return this.values.get(labelKey(labels)) ?? 0; }
  /** Read the value at scrape time instead of pushing it. */
  collect(fn: () => number): this { this.collector = fn; return this; }
  samples(): string[] {
    if (this.collector) return [`${this.name} ${this.collector()}`];
    if (this.values.size === 0) return [`${this.name} 0`];
    return [...this.values].map(([k, v]) => `${this.name}${k} ${v}`);
  }
}

export class Histogram extends Metric {
  private series = new Map<string, { counts: number[]; sum: number; count: number; labels?: Labels }>();
  constructor(name: string, help: string, readonly buckets: number[]) { super(name, help, "histogram"); }
  observe(value: number, labels?: Labels): void {
    const k = labelKey(labels);
    let s = this.series.get(k);
    if (!s) { s = { counts: this.buckets.map(() => 0), sum: 0, count: 0, labels }; this.series.set(k, s); }
    for (let i = 0; i < this.buckets.length; i++) if (value <= this.buckets[i]) s.counts[i]++;
    s.sum += value;
    s.count++;
  }
  samples(): string[] {
    const out: string[] = [];
    for (const [k, s] of this.series) {
      const base = s.labels ?? {};
      this.buckets.forEach((b, i) => out.push(`${this.name}_bucket${labelKey({ ...base, le: String(b) })} ${s.counts[i]}`));
      out.push(`${this.name}_bucket${labelKey({ ...base, le: "+Inf" })} ${s.count}`);
      out.push(`${this.name}_sum${k} ${s.sum}`, `${this.name}_count${k} ${s.count}`);
    }
    return out;
  }
}

export class Registry {
  private metrics = new Map<string, Metric>();
  private getOrCreate<T extends Metric>(name: string, make: () => T): T {
    const existing = this.metrics.get(name);
    if (existing) return existing as T;
    const m = make();
    this.metrics.set(name, m);
    return m;
  }
  counter(name: string, help: string): Counter { return this.getOrCreate(name, () => new Counter(name, help)); }
  gauge(name: string, help: string): Gauge { return this.getOrCreate(name, () => new Gauge(name, help)); }
  histogram(name: string, help: string, buckets: number[]): Histogram {
    return this.getOrCreate(name, () => new Histogram(name, help, buckets));
  }
  render(): string { return [...this.metrics.values()].map((m) => m.render()).join("\n") + "\n"; }

  /** On a worker thread: the counters' increments since the last call, for the registry that is scraped. */
  takeCounters(): CounterCounts {
    const out: CounterCounts = [];
    for (const m of this.metrics.values()) {
      if (!(m instanceof Counter)) continue;
      const counts = m.take();
      if (counts.length > 0) out.push([m.name, m.help, counts]);
    }
    return out;
  }

  addCounters(counters: CounterCounts): void {
    for (const [name, help, counts] of counters) this.counter(name, help).add(counts);
  }
}

/** The process-wide registry scraped by GET /metrics. */
export const metrics = new Registry();
