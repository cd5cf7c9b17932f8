import type { Clock } from '../clock.js';
import { PeriodicJob } from '../jobs/periodic-job.js';
import type { CompactionReport, CompactionStore } from '../storage/types.js';

export interface CompactionSettings {
  /** Run the background job at all (DuckDB only; ClickHouse's MergeTree sorts by itself). */
  enabled: boolean;
  /** Window length; windows are aligned to the Unix epoch, so 24 is a UTC day. */
  windowHours: number;
  /** A window is rewritten only this long after it ended, so late spans land before the sort. */
  graceMinutes: number;
  intervalMinutes: number;
  /** Rows moved per transaction; ingest batches wait for at most one such transaction. */
  maxRowsPerTransaction: number;
  /** A compacted window is sorted again once late rows pass this share of it. */
  lateRowsFraction: number;
}

export const DEFAULT_COMPACTION: CompactionSettings = {
  enabled: true,
  windowHours: 24,
  graceMinutes: 60,
  intervalMinutes: 15,
  maxRowsPerTransaction: 200_000,
  lateRowsFraction: 0.05,
};

const EMPTY: CompactionReport = { windows: 0, rows: 0, transactions: 0 };

/**
 * Rewrites closed time windows sorted by tenant, so zone maps prune a one-tenant query (see
 * storage/duckdb/compact.ts). Runs on the injectable clock, like retention, so tests move time
 * instead of waiting for it. A store without compaction (ClickHouse) makes every sweep a no-op.
 */
export class CompactionJob {
  private readonly job: PeriodicJob<CompactionReport>;

  constructor(
    private readonly store: Partial<CompactionStore>,
    private readonly settings: CompactionSettings,
    private readonly clock: Clock,
    onError: (err: unknown) => void = () => {},
  ) {
    this.job = new PeriodicJob(
      (signal) => this.sweep(signal),
      settings.intervalMinutes * 60_000,
      onError,
    );
  }

  /** Whether the storage engine has anything to compact. */
  get supported(): boolean {
    return typeof this.store.compactClosedWindows === 'function';
  }

  /** One sweep over every closed window; concurrent calls share the sweep in progress. */
  runOnce(): Promise<CompactionReport> {
    return this.job.runOnce();
  }

  start(): void {
    if (this.supported && this.settings.enabled) this.job.start();
  }

  /** Stops the timer and the sweep in progress after its current transaction. */
  stop(): Promise<void> {
    return this.job.stop();
  }

  private async sweep(signal: AbortSignal): Promise<CompactionReport> {
    const compact = this.store.compactClosedWindows;
    if (!compact || signal.aborted) return { ...EMPTY };
    const nowMs = this.clock.now();
    const closedBeforeMs = nowMs - this.settings.graceMinutes * 60_000;
    return compact.call(this.store, {
      windowNs: BigInt(Math.round(this.settings.windowHours * 3_600_000)) * 1_000_000n,
      closedBeforeNs: BigInt(Math.floor(closedBeforeMs)) * 1_000_000n,
      maxRowsPerTransaction: this.settings.maxRowsPerTransaction,
      lateRowsFraction: this.settings.lateRowsFraction,
      signal,
      nowMs,
    });
  }
}
