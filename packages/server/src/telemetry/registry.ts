/**
 * The server's own metrics, exposed at /metrics in Prometheus text format. Small on purpose: the
 * server must not depend on the telemetry pipeline it implements.
 */
type Labels = Record<string, string>;

/** A series' labels as Prometheus renders them; built on every increment (per tenant per request). */
function key(labels: Labels): string {
  const names = Object.keys(labels);
  if (names.length > 1) names.sort();
  let out = '';
  for (const k of names) out += `${out === '' ? '' : ','}${k}="${escapeLabel(labels[k]!)}"`;
  return out;
}

const NEEDS_ESCAPE = /[\\\n"]/;

function escapeLabel(v: string): string {
  if (!NEEDS_ESCAPE.test(v)) return v;
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

interface Metric {
  render(): string;
}

export class Counter implements Metric {
  private readonly values = new Map<string, number>();
  constructor(
    readonly name: string,
    readonly help: string,
  ) {}
  inc(labels: Labels = {}, by = 1): void {
    const k = key(labels);
    this.values.set(k, (this.values.get(k) ?? 0) + by);
  }
  get(labels: Labels = {}): number {
    return this.values.get(key(labels)) ?? 0;
  }
  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`];
    for (const [k, v] of this.values) lines.push(`${this.name}${k ? `{${k}}` : ''} ${v}`);
    return lines.join('\n');
  }
}

export class Gauge implements Metric {
  private readonly values = new Map<string, () => number>();
  constructor(
    readonly name: string,
    readonly help: string,
  ) {}
  /** Gauges are read at scrape time from a function, so they are never stale. */
  track(read: () => number, labels: Labels = {}): void {
    this.values.set(key(labels), read);
  }
  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} gauge`];
    for (const [k, read] of this.values) lines.push(`${this.name}${k ? `{${k}}` : ''} ${read()}`);
    return lines.join('\n');
  }
}

export class Histogram implements Metric {
  private readonly counts: number[];
  private sum = 0;
  private count = 0;
  constructor(
    readonly name: string,
    readonly help: string,
    readonly bounds: number[],
  ) {
    this.counts = new Array(bounds.length).fill(0);
  }
  observe(v: number): void {
    this.sum += v;
    this.count++;
    for (let i = 0; i < this.bounds.length; i++) if (v <= this.bounds[i]!) this.counts[i]!++;
  }
  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    for (const [i, b] of this.bounds.entries()) {
      lines.push(`${this.name}_bucket{le="${b}"} ${this.counts[i]}`);
    }
    lines.push(`${this.name}_bucket{le="+Inf"} ${this.count}`);
    lines.push(`${this.name}_sum ${this.sum}`, `${this.name}_count ${this.count}`);
    return lines.join('\n');
  }
}

export class Registry {
  private readonly metrics: Metric[] = [];
  counter(name: string, help: string): Counter {
    return this.add(new Counter(name, help));
  }
  gauge(name: string, help: string): Gauge {
    return this.add(new Gauge(name, help));
  }
  histogram(name: string, help: string, bounds: number[]): Histogram {
    return this.add(new Histogram(name, help, bounds));
  }
  render(): string {
    return `${this.metrics.map((m) => m.render()).join('\n')}\n`;
  }
  private add<M extends Metric>(m: M): M {
    this.metrics.push(m);
    return m;
  }
}

/** Every metric the server exports about itself. */
export function createServerMetrics(registry = new Registry()) {
  return {
    registry,
    ingested: registry.counter(
      'tenantry_ingested_items_total',
      'Items (spans, log records, metric points) acknowledged, by tenant and signal; resent duplicates are counted separately.',
    ),
    rejected: registry.counter(
      'tenantry_rejected_items_total',
      'Items refused at ingest, by tenant, signal and reason.',
    ),
    duplicates: registry.counter(
      'tenantry_duplicate_spans_total',
      'Resent spans skipped by tenant.',
    ),
    parkedSettled: registry.counter(
      'tenantry_parked_spans_settled_total',
      "Spans that waited for their trace's tenant, by outcome: adopted (the trace's tenant arrived) or expired (stored as _unassigned).",
    ),
    processingSeconds: registry.counter(
      'tenantry_ingest_processing_seconds_total',
      'Event-loop time spent sanitizing, redacting and building rows, by tenant and signal: whose payloads cost ingest the most.',
    ),
    redacted: registry.counter(
      'tenantry_redacted_total',
      'Values redacted at ingest, by tenant and entity type.',
    ),
    requests: registry.counter(
      'tenantry_otlp_requests_total',
      'OTLP requests by signal and status.',
    ),
    queueDepth: registry.gauge('tenantry_write_queue_items', 'Items waiting for a storage commit.'),
    commitSeconds: registry.histogram(
      'tenantry_commit_duration_seconds',
      'Time to commit one write batch to storage.',
      [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    ),
    journalSyncSeconds: registry.histogram(
      'tenantry_journal_sync_duration_seconds',
      'Time to write and fdatasync one group of requests to the ingest journal (what a request waits for before its acknowledgement).',
      [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
    ),
    journalReplayed: registry.counter(
      'tenantry_journal_replayed_requests_total',
      'Journaled requests committed to storage at startup because a crash had left them uncommitted.',
    ),
    feedbackScores: registry.counter(
      'tenantry_feedback_scores_total',
      'Scores and feedback on runs stored, by tenant and whether negative (value below 0.5).',
    ),
    feedbackScoreSum: registry.counter(
      'tenantry_feedback_score_sum',
      'Sum of the stored scores (0..1) by tenant: divided by tenantry_feedback_scores_total, the mean score.',
    ),
    alertNotificationFailures: registry.counter(
      'tenantry_alert_notification_failures_total',
      'Webhook deliveries that failed after all retries, by receiver.',
    ),
  };
}

export type ServerMetrics = ReturnType<typeof createServerMetrics>;
