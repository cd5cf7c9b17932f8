import { ServerSaturatedError } from '../ingest/errors.js';
import type { ServerMetrics } from '../telemetry/registry.js';
import type { WriteBatch, WriteResult, WriteStore } from './types.js';
import { WriteHealth } from './write-health.js';

interface Pending {
  batch: WriteBatch;
  items: number;
  resolve: (r: WriteResult) => void;
  reject: (e: Error) => void;
}

export interface BatchWriterOptions {
  /** Items waiting for a commit; past this, writes are refused with 503 instead of growing memory. */
  maxQueuedItems: number;
  /** Items merged into one transaction. */
  maxBatchItems: number;
}

export const DEFAULT_BATCH_WRITER_OPTIONS: BatchWriterOptions = {
  maxQueuedItems: 500_000,
  maxBatchItems: 50_000,
};

/** What ingest writes through: this group-commit writer, or the journal (storage/journal). */
export interface IngestWriter {
  /**
   * Resolves once the batch is durable. `journalPayload` is the request as the journal keeps it,
   * built only by a writer that journals.
   */
  write(batch: WriteBatch, journalPayload: () => Buffer): Promise<WriteResult>;
  /** Resolves when everything accepted so far is committed (shutdown). */
  drain(): Promise<void>;
  /** Items accepted and not yet committed. */
  readonly depth: number;
  /** Why writes are failing now (readiness), or null. */
  readonly failing: string | null;
  /** Looks again at a failing part that only traffic would otherwise retry (readiness). */
  recheck?(): Promise<void>;
}

export function batchSize(b: WriteBatch): number {
  let n = b.spans.length + b.logs.length + b.metrics.length + (b.pendingSpans?.length ?? 0);
  if (b.spanColumns) for (const c of b.spanColumns) n += c.rows;
  if (b.pendingSpanColumns) for (const p of b.pendingSpanColumns) n += p.cols.rows;
  if (b.spanLines) for (const l of b.spanLines) n += l.rows;
  return n;
}

/**
 * Takes queued writes off the front of `queue`, at least one and then as many as fit in
 * `maxItems`, and merges their rows into one batch (one transaction).
 */
export function takeGroup<T extends { batch: WriteBatch; items: number }>(
  queue: T[],
  maxItems: number,
): { group: T[]; items: number; merged: WriteBatch } {
  const group: T[] = [];
  let items = 0;
  while (queue.length > 0 && (group.length === 0 || items + queue[0]!.items <= maxItems)) {
    const q = queue.shift()!;
    group.push(q);
    items += q.items;
  }
  const merged: WriteBatch = { spans: [], logs: [], metrics: [] };
  for (const { batch } of group) appendRows(merged, batch);
  return { group, items, merged };
}

/** Appends `from`'s rows to `into` (push per row: spreading 100k rows would overflow the stack). */
export function appendRows(into: WriteBatch, from: WriteBatch): void {
  for (const s of from.spans) into.spans.push(s);
  for (const l of from.logs) into.logs.push(l);
  for (const m of from.metrics) into.metrics.push(m);
  if (from.pendingSpans?.length) {
    into.pendingSpans ??= [];
    for (const p of from.pendingSpans) into.pendingSpans.push(p);
  }
  if (from.traceClaims?.length) {
    into.traceClaims ??= [];
    for (const c of from.traceClaims) into.traceClaims.push(c);
  }
  if (from.spanColumns?.length) {
    into.spanColumns ??= [];
    for (const c of from.spanColumns) into.spanColumns.push(c);
  }
  if (from.pendingSpanColumns?.length) {
    into.pendingSpanColumns ??= [];
    for (const p of from.pendingSpanColumns) into.pendingSpanColumns.push(p);
  }
  if (from.spanLines?.length) {
    into.spanLines ??= [];
    for (const l of from.spanLines) into.spanLines.push(l);
  }
}

/**
 * Group commit: requests that arrive while a transaction is running are merged into the next one,
 * so throughput grows with load while each request still waits for its own commit. A request is
 * acknowledged only when the transaction holding its rows has committed.
 */
export class BatchWriter implements IngestWriter {
  private readonly queue: Pending[] = [];
  private queuedItems = 0;
  private running: Promise<void> | null = null;
  private readonly health = new WriteHealth();

  constructor(
    private readonly store: WriteStore,
    private readonly options: BatchWriterOptions,
    private readonly metrics?: ServerMetrics,
    /** Storage failures, for the log (requests themselves get 503). */
    private readonly onError: (err: Error) => void = () => {},
  ) {
    metrics?.queueDepth.track(() => this.queuedItems);
  }

  get depth(): number {
    return this.queuedItems;
  }

  get failing(): string | null {
    return this.health.failing;
  }

  write(batch: WriteBatch): Promise<WriteResult> {
    const items = batchSize(batch);
    if (this.queuedItems + items > this.options.maxQueuedItems) {
      return Promise.reject(
        new ServerSaturatedError(`write queue is full (${this.queuedItems} items waiting); retry`),
      );
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ batch, items, resolve, reject });
      this.queuedItems += items;
      if (!this.running) this.running = this.loop();
    });
  }

  /** Resolves when everything queued so far is committed (or failed). */
  async drain(): Promise<void> {
    while (this.running) await this.running;
  }

  private async loop(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const { group, items: n, merged } = takeGroup(this.queue, this.options.maxBatchItems);
        const started = performance.now();
        try {
          const result = await this.store.write(merged);
          this.metrics?.commitSeconds.observe((performance.now() - started) / 1000);
          this.health.ok('storage');
          for (const p of group) p.resolve(result);
        } catch (err) {
          this.health.fail('storage', err as Error);
          this.onError(err as Error);
          const failure = new ServerSaturatedError(
            `storage write failed: ${(err as Error).message}`,
          );
          for (const p of group) p.reject(failure);
        } finally {
          this.queuedItems -= n;
        }
      }
    } finally {
      this.running = null;
    }
  }
}
