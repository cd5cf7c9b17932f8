import { ServerSaturatedError } from '../../ingest/errors.js';
import type { ServerMetrics } from '../../telemetry/registry.js';
import { appendRows, batchSize, type IngestWriter, takeGroup } from '../batch-writer.js';
import type { WriteBatch, WriteResult, WriteStore } from '../types.js';
import { WriteHealth } from '../write-health.js';
import { type JournalRecord, JournalSegments, type ScanReport } from './segments.js';

/** A store that records, in the transaction that stores a batch, the journal record it ends at. */
export interface JournaledStore extends WriteStore {
  /** The `journalSeq` of the last batch committed (0 if none). */
  appliedJournalSeq(): Promise<number>;
}

export interface JournalOptions {
  dir: string;
  /** Rows that make a storage commit worth doing now rather than at the interval. */
  flushRows: number;
  /** Longest a journaled batch waits for its storage commit while fewer rows are queued. */
  flushIntervalMs: number;
  segmentBytes: number;
  /** Items journaled but not yet committed to storage; past this, writes get 503. */
  maxQueuedItems: number;
  /** Items in one storage transaction. */
  maxBatchItems: number;
  /** Wait after a failed storage commit before trying again. */
  retryMs: number;
}

export const DEFAULT_JOURNAL_OPTIONS: Omit<JournalOptions, 'dir'> = {
  flushRows: 16_384,
  flushIntervalMs: 250,
  segmentBytes: 64 * 1024 * 1024,
  maxQueuedItems: 500_000,
  maxBatchItems: 131_072,
  retryMs: 1_000,
};

export interface ReplayReport extends ScanReport {
  /** Records after the store's applied one, committed at open. */
  replayed: number;
  /** Records whose payload could not be rebuilt (skipped and reported). */
  unreadable: number;
}

/** Turns a journaled payload back into the rows it stood for (replay after a restart). */
export type Rebuild = (payload: Buffer) => Promise<WriteBatch>;

interface Queued {
  seq: number;
  batch: WriteBatch;
  items: number;
}

/**
 * Acknowledges a write once its record is durable in the journal (fdatasync), then commits rows to
 * storage in large transactions: DuckDB spends about half the CPU per row in a 16,384-row
 * transaction that it does in a 1,024-row one (docs/scaling.md), and requests no longer wait for
 * storage commits. Each commit also stores the last journal record it holds, so a restart replays
 * exactly the records after it: nothing acknowledged is lost, nothing is stored twice.
 *
 * Rows acknowledged but not yet committed are invisible to storage readers; `visible()` commits
 * them first, and the server puts it in front of every telemetry read (read-barrier.ts).
 */
export class JournaledWriter implements IngestWriter {
  private nextSeq: number;
  private appliedSeq: number;
  /** Highest record whose rows are queued (records become durable in order). */
  private ackedSeq: number;
  private toDisk: Array<{ record: JournalRecord; done: (err?: Error) => void }> = [];
  private diskWrite: Promise<void> | null = null;
  private readonly queued: Queued[] = [];
  private queuedItems = 0;
  private outstanding = 0;
  private flushing: Promise<void> | null = null;
  private urgent = false;
  private closing = false;
  private timer: NodeJS.Timeout | null = null;
  private waiters: Array<{
    seq: number;
    strict: boolean;
    resolve: () => void;
    reject: (e: Error) => void;
  }> = [];
  private readonly health = new WriteHealth();

  private constructor(
    private readonly store: JournaledStore,
    private readonly segments: JournalSegments,
    private readonly options: JournalOptions,
    private readonly onError: (err: Error) => void,
    private readonly metrics?: ServerMetrics,
    applied = 0,
  ) {
    this.appliedSeq = applied;
    this.ackedSeq = applied;
    this.nextSeq = Math.max(applied, segments.lastSeq) + 1;
    metrics?.queueDepth.track(() => this.outstanding);
  }

  /**
   * Opens the journal in `options.dir` and replays every record the store has not committed
   * (those after its `appliedJournalSeq`) before returning.
   */
  static async open(
    store: JournaledStore,
    options: JournalOptions,
    rebuild: Rebuild,
    onError: (err: Error) => void,
    metrics?: ServerMetrics,
  ): Promise<{ writer: JournaledWriter; replay: ReplayReport }> {
    const segments = JournalSegments.open(options.dir, options.segmentBytes);
    const applied = await store.appliedJournalSeq();
    const report: ReplayReport = {
      records: 0,
      tornBytes: 0,
      damagedSegments: [],
      replayed: 0,
      unreadable: 0,
    };
    let pending: WriteBatch = { spans: [], logs: [], metrics: [] };
    let pendingSeq = applied;
    const commit = async () => {
      if (pendingSeq === applied && batchSize(pending) === 0) return;
      await store.write({ ...pending, journalSeq: pendingSeq });
      pending = { spans: [], logs: [], metrics: [] };
    };
    for (const record of segments.scan(report)) {
      if (record.seq <= applied) continue;
      let batch: WriteBatch;
      try {
        batch = await rebuild(record.payload);
      } catch (err) {
        // Its frame checksum held, so the bytes are what was written: a bug, not a torn write.
        // Refusing to start would hold every other record hostage; report it and go on.
        report.unreadable++;
        onError(new Error(`journal record ${record.seq} could not be replayed: ${err}`));
        continue;
      }
      appendRows(pending, batch);
      pendingSeq = record.seq;
      report.replayed++;
      if (batchSize(pending) >= options.maxBatchItems) await commit();
    }
    await commit();
    const writer = new JournaledWriter(store, segments, options, onError, metrics, pendingSeq);
    if (report.replayed > 0) metrics?.journalReplayed.inc({}, report.replayed);
    await segments.deleteThrough(pendingSeq);
    return { writer, replay: report };
  }

  /** Items acknowledged or being journaled, not yet committed to storage. */
  get depth(): number {
    return this.outstanding;
  }

  get failing(): string | null {
    return this.health.failing;
  }

  /** Clears a journal failure once its disk takes writes again (see JournalSegments.canWrite). */
  async recheck(): Promise<void> {
    if (this.health.isFailing('journal') && (await this.segments.canWrite())) {
      this.health.ok('journal');
    }
  }

  async write(batch: WriteBatch, payload: () => Buffer): Promise<WriteResult> {
    const items = batchSize(batch);
    if (this.outstanding + items > this.options.maxQueuedItems) {
      throw new ServerSaturatedError(
        `write queue is full (${this.outstanding} items waiting for storage); retry`,
      );
    }
    this.outstanding += items;
    const seq = this.nextSeq++;
    try {
      await new Promise<void>((resolve, reject) => {
        this.toDisk.push({
          record: { seq, payload: payload() },
          done: (err) => (err ? reject(err) : resolve()),
        });
        this.startDiskWrite();
      });
    } catch (err) {
      this.outstanding -= items;
      throw new ServerSaturatedError(`journal write failed: ${(err as Error).message}`);
    }
    this.queued.push({ seq, batch, items });
    this.queuedItems += items;
    this.ackedSeq = seq;
    this.scheduleFlush();
    return {
      spansWritten: batch.spans.length,
      spansDuplicate: 0,
      logsWritten: batch.logs.length,
      metricsWritten: batch.metrics.length,
    };
  }

  /**
   * Resolves once every write acknowledged before the call is committed to storage. While commits
   * fail (a full disk), a read (`strict` false) goes on with what is committed rather than fail;
   * an erasure (`strict`) is refused, since rows still waiting would outlive it.
   */
  visible(strict = false): Promise<void> {
    const seq = this.ackedSeq;
    if (this.appliedSeq >= seq) return Promise.resolve();
    if (!strict && this.health.isFailing('storage')) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.waiters.push({ seq, strict, resolve, reject });
      this.urgent = true;
      this.startFlush();
    });
  }

  /** Commits everything journaled so far (shutdown); the journal is closed after. */
  async drain(): Promise<void> {
    while (this.diskWrite) await this.diskWrite;
    this.closing = true;
    this.urgent = true;
    this.startFlush();
    while (this.flushing) await this.flushing;
    if (this.timer) clearTimeout(this.timer);
    await this.segments.close();
  }

  /** Group commit to the journal: whatever queued while the previous fdatasync ran goes next. */
  private async writeToDisk(): Promise<void> {
    while (this.toDisk.length > 0) {
      const group = this.toDisk;
      this.toDisk = [];
      try {
        const started = performance.now();
        await this.segments.append(group.map((g) => g.record));
        this.metrics?.journalSyncSeconds.observe((performance.now() - started) / 1000);
        this.health.ok('journal');
        for (const g of group) g.done();
      } catch (err) {
        this.health.fail('journal', err as Error);
        this.onError(err as Error);
        for (const g of group) g.done(err as Error);
      }
    }
  }

  private scheduleFlush(): void {
    if (this.queuedItems >= this.options.flushRows) this.startFlush();
    else if (!this.timer && !this.flushing) {
      this.timer = setTimeout(() => {
        this.timer = null;
        this.urgent = true;
        this.startFlush();
      }, this.options.flushIntervalMs);
      this.timer.unref();
    }
  }

  private startDiskWrite(): void {
    if (this.diskWrite) return;
    const run = this.writeToDisk();
    this.diskWrite = run;
    void run.finally(() => {
      this.diskWrite = null;
      // Records queued after the run's last look at the queue.
      if (this.toDisk.length > 0) this.startDiskWrite();
    });
  }

  private startFlush(): void {
    if (this.flushing) return;
    // Cleared after the run settles, not inside it: a run with nothing to do finishes before
    // this assignment would otherwise see it.
    const run = this.flush();
    this.flushing = run;
    void run.finally(() => {
      this.flushing = null;
      // A reader may have asked for a commit after the run's last look at the queue.
      if (this.waiters.length > 0) {
        this.urgent = true;
        this.startFlush();
      } else if (this.queued.length > 0) this.scheduleFlush();
    });
  }

  private async flush(): Promise<void> {
    try {
      while (
        this.queued.length > 0 &&
        (this.urgent || this.queuedItems >= this.options.flushRows)
      ) {
        const { group, items, merged } = takeGroup(this.queued, this.options.maxBatchItems);
        const lastSeq = group[group.length - 1]!.seq;
        merged.journalSeq = lastSeq;
        const started = performance.now();
        try {
          const result = await this.store.write(merged);
          this.metrics?.commitSeconds.observe((performance.now() - started) / 1000);
          this.health.ok('storage');
          if (result.spansDuplicate > 0) this.metrics?.duplicates.inc({}, result.spansDuplicate);
        } catch (err) {
          // Still journaled: put the rows back, tell waiting readers, try again later.
          this.health.fail('storage', err as Error);
          this.queued.unshift(...group);
          this.failWaiters(err as Error);
          this.onError(err as Error);
          // Shutting down: the journal keeps the rows and the next start replays them.
          if (this.closing) break;
          await new Promise((r) => setTimeout(r, this.options.retryMs));
          continue;
        }
        this.queuedItems -= items;
        this.outstanding -= items;
        this.appliedSeq = lastSeq;
        this.releaseWaiters();
        await this.segments.deleteThrough(lastSeq).catch((err: Error) => this.onError(err));
      }
    } finally {
      this.urgent = false;
    }
  }

  private releaseWaiters(): void {
    const still = [];
    for (const w of this.waiters) {
      if (w.seq <= this.appliedSeq) w.resolve();
      else still.push(w);
    }
    this.waiters = still;
  }

  /** Readers go on with what is committed; erasures are refused until commits work again. */
  private failWaiters(err: Error): void {
    const failure = new ServerSaturatedError(`storage write failed: ${err.message}`);
    for (const w of this.waiters) {
      if (w.strict) w.reject(failure);
      else w.resolve();
    }
    this.waiters = [];
  }
}
