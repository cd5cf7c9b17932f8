import type { IngestWriter } from '../batch-writer.js';
import type { WriteBatch, WriteResult } from '../types.js';

/**
 * Traces through the journal, logs and metric points through the group-commit writer: for a store
 * where only spans are idempotent (ClickHouse, storage/clickhouse/journal-mark.ts), a replay after
 * a crash between an insert and its applied mark must find nothing it could store twice. A request
 * carries one signal, so a batch with any log or metric point is a logs or metrics request.
 */
export class SignalSplitWriter implements IngestWriter {
  constructor(
    private readonly traces: IngestWriter,
    private readonly others: IngestWriter,
  ) {}

  write(batch: WriteBatch, journalPayload: () => Buffer): Promise<WriteResult> {
    return batch.logs.length > 0 || batch.metrics.length > 0
      ? this.others.write(batch, journalPayload)
      : this.traces.write(batch, journalPayload);
  }

  async drain(): Promise<void> {
    await Promise.all([this.traces.drain(), this.others.drain()]);
  }

  get depth(): number {
    return this.traces.depth + this.others.depth;
  }

  get failing(): string | null {
    return this.traces.failing ?? this.others.failing;
  }

  async recheck(): Promise<void> {
    await Promise.all([this.traces.recheck?.(), this.others.recheck?.()]);
  }
}
