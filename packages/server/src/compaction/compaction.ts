import type { Clock } from '../clock.js';
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
}

export const DEFAULT_COMPACTION: CompactionSettings = {
  enabled: true,
  windowHours: 24,
  graceMinutes: 60,
  intervalMinutes: 15,
  maxRowsPerTransaction: 200_000,
};

const EMPTY: CompactionReport = { windows: 0, rows: 0, transactions: 0 };

/**
 * Rewrites closed time windows sorted by tenant, so zone maps prune a one-tenant query (see
 * storage/duckdb/compact.ts). Runs on the injectable clock, like retention, so tests move time
 * instead of waiting for it. A store without compaction (ClickHouse) makes every sweep a no-op.
 */
export class CompactionJob {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<CompactionReport> | null = null;
  private readonly abort = new AbortController();

  constructor(
    private readonly store: Partial<CompactionStore>,
    private readonly settings: CompactionSettings,
    private readonly clock: Clock,
    private readonly onError: (err: unknown) => void = () => {},
  ) {}

  /** Whether the storage engine has anything to compact. */
  get supported(): boolean {
    return typeof this.store.compactClosedWindows === 'function';
  }

  /** One sweep over every closed window; concurrent calls share the sweep in progress. */
  runOnce(): Promise<CompactionReport> {
    if (!this.running) {
      this.running = this.sweep().finally(() => {
        this.running = null;
      });
    }
    return this.running;
  }

  start(): void {
    if (this.timer || !this.supported || !this.settings.enabled) return;
    const tick = () => {
      this.runOnce().catch(this.onError);
    };
    this.timer = setInterval(tick, this.settings.intervalMinutes * 60_000);
    this.timer.unref();
    tick();
  }

  /** Stops the timer and the sweep in progress after its current transaction. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.abort.abort();
    await this.running?.catch(() => {});
  }

  private async sweep(): Promise<CompactionReport> {
    const compact = this.store.compactClosedWindows;
    if (!compact || this.abort.signal.aborted) return { ...EMPTY };
    const closedBeforeMs = this.clock.now() - this.settings.graceMinutes * 60_000;
    return compact.call(this.store, {
      windowNs: BigInt(Math.round(this.settings.windowHours * 3_600_000)) * 1_000_000n,
      closedBeforeNs: BigInt(Math.floor(closedBeforeMs)) * 1_000_000n,
      maxRowsPerTransaction: this.settings.maxRowsPerTransaction,
      signal: this.abort.signal,
    });
  }
}
