import { ServerSaturatedError } from '../../ingest/errors.js';
import type { ServerMetrics } from '../../telemetry/registry.js';
import { batchSize, type IngestWriter, takeGroup } from '../batch-writer.js';
import type { HeldEnd, HeldTransaction, WriteBatch, WriteResult, WriteStore } from '../types.js';
import { WriteHealth } from '../write-health.js';
import { CommitWaiters } from './commit-waiters.js';
import { JournalGroupSync } from './group-sync.js';
import { HeldRequests, type QueuedRequest } from './held-requests.js';
import { type Rebuild, type ReplayReport, replayJournal } from './replay-journal.js';
import { JournalSegments } from './segments.js';

/** A store that records, in the transaction that stores a batch, the journal record it ends at. */
export interface JournaledStore extends WriteStore {
  /** The `journalSeq` of the last batch committed (0 if none). */
  appliedJournalSeq(): Promise<number>;
  /** A transaction the store can keep open across flushes (used when `holdRows` > 0). */
  heldTransaction?: HeldTransaction;
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
  /**
   * 0: every flush commits. Otherwise flushes append into one held transaction (when the store has
   * one), committed once it holds this many rows, after `holdMs`, for a reader, or at shutdown.
   */
  holdRows: number;
  /** Longest a held transaction stays open. */
  holdMs: number;
}

/** DuckDB's row group: a transaction holding one is written to the file directly, past the WAL. */
export const ROW_GROUP_ROWS = 122_880;

export const DEFAULT_JOURNAL_OPTIONS: Omit<JournalOptions, 'dir'> = {
  flushRows: 16_384,
  flushIntervalMs: 250,
  segmentBytes: 64 * 1024 * 1024,
  maxQueuedItems: 500_000,
  maxBatchItems: 131_072,
  retryMs: 1_000,
  holdRows: 0,
  holdMs: 2_000,
};

export type { Rebuild, ReplayReport } from './replay-journal.js';

/**
 * Acknowledges a write once its record is durable in the journal (fdatasync), then commits rows to
 * storage in large transactions: DuckDB spends about half the CPU per row in a 16,384-row
 * transaction that it does in a 1,024-row one (docs/scaling.md), and requests no longer wait for
 * storage commits. Each commit also stores the last journal record it holds, so a restart replays
 * exactly the records after it: nothing acknowledged is lost, nothing is stored twice. With
 * `holdRows`, flushes append into one transaction the store keeps open (held-requests.ts), and
 * only its commit counts its records as stored.
 *
 * Rows acknowledged but not yet committed are invisible to storage readers; `visible()` commits
 * them first, and the server puts it in front of every telemetry read (read-barrier.ts).
 */
export class JournaledWriter implements IngestWriter {
  private nextSeq: number;
  private appliedSeq: number;
  /** Highest record whose rows are queued (records become durable in order). */
  private ackedSeq: number;
  private readonly journal: JournalGroupSync;
  private readonly queued: QueuedRequest[] = [];
  private queuedItems = 0;
  private outstanding = 0;
  private flushing: Promise<void> | null = null;
  /**
   * Records up to this seq are committed without waiting for flushRows (a reader waits, the
   * interval passed, shutdown). A seq, not a flag: rows that arrive during that commit wait for
   * their own interval, or a busy writer would go on committing whatever came in meanwhile, in
   * small transactions.
   */
  private urgentThrough = 0;
  private closing = false;
  private timer: NodeJS.Timeout | null = null;
  private readonly waiters = new CommitWaiters();
  private readonly health = new WriteHealth();
  /** The store's held transaction and what it holds, when holding is on. */
  private readonly hold: HeldRequests | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  /** Journal files are deleted after each commit, one deletion after the other. */
  private deleting: Promise<void> = Promise.resolve();

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
    this.journal = new JournalGroupSync(segments, this.health, onError, metrics);
    if (options.holdRows > 0 && store.heldTransaction) {
      this.hold = new HeldRequests(
        store.heldTransaction,
        options,
        () => this.startFlush(),
        (requests, end) => this.heldEnded(requests, end),
      );
    }
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
    const { appliedSeq, report } = await replayJournal(
      store,
      segments,
      options.maxBatchItems,
      rebuild,
      onError,
    );
    const writer = new JournaledWriter(store, segments, options, onError, metrics, appliedSeq);
    if (report.replayed > 0) metrics?.journalReplayed.inc({}, report.replayed);
    await segments.deleteThrough(appliedSeq);
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
      await this.journal.append({ seq, payload: payload() });
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
    const committed = this.waiters.wait(seq, strict);
    this.flushAcknowledged();
    return committed;
  }

  /** Commits everything journaled so far (shutdown); the journal is closed after. */
  async drain(): Promise<void> {
    await this.journal.idle();
    this.closing = true;
    // A run under way may have looked at `closing` before it was set: one more run after it.
    while (this.flushing) await this.flushing;
    this.urgentThrough = Number.MAX_SAFE_INTEGER;
    this.startFlush();
    while (this.flushing) await this.flushing;
    for (const t of [this.timer, this.retryTimer]) if (t) clearTimeout(t);
    this.hold?.stop();
    await this.deleting;
    await this.segments.close();
  }

  private scheduleFlush(): void {
    if (this.queuedItems >= this.options.flushRows) this.startFlush();
    else if (!this.timer && !this.flushing) {
      this.timer = setTimeout(() => {
        this.timer = null;
        this.flushAcknowledged();
      }, this.options.flushIntervalMs);
      this.timer.unref();
    }
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
      if (this.waiters.length > 0) this.flushAcknowledged();
      else if (this.queued.length > 0) this.scheduleFlush();
    });
  }

  /** Commits everything acknowledged so far (not what arrives meanwhile: that waits its turn). */
  private flushAcknowledged(): void {
    this.urgentThrough = this.ackedSeq;
    this.startFlush();
  }

  private async flush(): Promise<void> {
    if (this.hold) return this.flushHeld(this.hold);
    while (
      this.queued.length > 0 &&
      (this.queued[0]!.seq <= this.urgentThrough || this.queuedItems >= this.options.flushRows)
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
        this.requeueFront(group);
        this.waiters.fail(err as Error);
        this.onError(err as Error);
        // Shutting down: the journal keeps the rows and the next start replays them.
        if (this.closing) break;
        await new Promise((r) => setTimeout(r, this.options.retryMs));
        continue;
      }
      this.queuedItems -= items;
      this.outstanding -= items;
      this.appliedSeq = lastSeq;
      this.waiters.release(this.appliedSeq);
      await this.segments.deleteThrough(lastSeq).catch((err: Error) => this.onError(err));
    }
  }

  /**
   * Appends queued rows into the held transaction at the pace plain commits would take them, and
   * commits it once it holds `holdRows` rows, after `holdMs`, for a waiting reader, or at shutdown.
   */
  private async flushHeld(hold: HeldRequests): Promise<void> {
    for (;;) {
      const append =
        this.queued.length > 0 &&
        (this.queued[0]!.seq <= this.urgentThrough || this.queuedItems >= this.options.flushRows);
      const due = !hold.empty && (hold.expired || this.closing || this.waiters.length > 0);
      if (!hold.full && !append && !due) return;
      const started = performance.now();
      try {
        if (!hold.full && append) {
          const result = await hold.append(this.queued, (items) => {
            this.queuedItems -= items;
          });
          if (result?.spansDuplicate) this.metrics?.duplicates.inc({}, result.spansDuplicate);
        } else {
          await hold.commit();
          this.metrics?.commitSeconds.observe((performance.now() - started) / 1000);
        }
      } catch {
        // Rolled back: heldEnded put the requests back in the queue and told the waiters.
        if (this.closing) return;
        await new Promise((r) => setTimeout(r, this.options.retryMs));
      }
    }
  }

  /**
   * The held transaction ended, committed by this writer or by another user of the connection
   * (DuckDb.exclusive), or rolled back. Only a commit advances what the journal counts as stored.
   */
  private heldEnded(group: QueuedRequest[], end: HeldEnd): void {
    let items = 0;
    for (const q of group) items += q.items;
    if (end.committed) {
      this.outstanding -= items;
      if (group.length > 0) this.appliedSeq = group[group.length - 1]!.seq;
      this.health.ok('storage');
      this.waiters.release(this.appliedSeq);
      const seq = this.appliedSeq;
      this.deleting = this.deleting
        .then(() => this.segments.deleteThrough(seq))
        .catch((err: Error) => this.onError(err));
      return;
    }
    this.requeueFront(group);
    this.queuedItems += items;
    this.health.fail('storage', end.error);
    this.waiters.fail(end.error);
    this.onError(end.error);
    // Ended by another writer while no flush runs: nothing else would try again.
    if (!this.flushing && !this.closing && !this.retryTimer) {
      this.retryTimer = setTimeout(() => {
        this.retryTimer = null;
        this.flushAcknowledged();
      }, this.options.retryMs);
      this.retryTimer.unref();
    }
  }

  /**
   * Still journaled: back in front of the queue, in order. Pushed one by one: a spread of a group
   * of ~100k one-span requests would overflow the stack (RangeError) in the failure path itself.
   */
  private requeueFront(group: QueuedRequest[]): void {
    const rest = this.queued.splice(0);
    for (const q of group) this.queued.push(q);
    for (const q of rest) this.queued.push(q);
  }
}
