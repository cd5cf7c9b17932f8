import type { ServerMetrics } from '../../telemetry/registry.js';
import type { WriteHealth } from '../write-health.js';
import type { JournalRecord, JournalSegments } from './segments.js';

/**
 * Group commit to the journal: records that arrive while an fdatasync runs are written together by
 * the next one, so requests share the sync instead of queueing behind one each.
 */
export class JournalGroupSync {
  private pending: Array<{ record: JournalRecord; done: (err?: Error) => void }> = [];
  private running: Promise<void> | null = null;

  constructor(
    private readonly segments: JournalSegments,
    private readonly health: WriteHealth,
    private readonly onError: (err: Error) => void,
    private readonly metrics?: ServerMetrics,
  ) {}

  /** Resolves once the record is durable; rejects if its group's write failed. */
  append(record: JournalRecord): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ record, done: (err) => (err ? reject(err) : resolve()) });
      this.start();
    });
  }

  /** Resolves once no write is running (shutdown). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private start(): void {
    if (this.running) return;
    const run = this.writeGroups();
    this.running = run;
    void run.finally(() => {
      this.running = null;
      // Records queued after the run's last look at the queue.
      if (this.pending.length > 0) this.start();
    });
  }

  private async writeGroups(): Promise<void> {
    while (this.pending.length > 0) {
      const group = this.pending;
      this.pending = [];
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
}
