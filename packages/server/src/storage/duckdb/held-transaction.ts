import { batchSize } from '../batch-writer.js';
import type { HeldEnd, HeldTransaction, WriteBatch, WriteResult } from '../types.js';
import type { DuckDb } from './database.js';
import { type DuckIngestWriter, recordJournalSeq } from './write.js';

/**
 * The ingest writer's transaction kept open across journal flushes (storage.journal.holdRowGroups).
 * A DuckDB transaction that appends at least a row group (122,880 rows) is committed by writing its
 * row groups straight into the database file, with only a pointer in the WAL; a smaller one's rows
 * go through the WAL and are written to the file again at the next checkpoint (measured on 1.5:
 * 100,000 rows left a 1.8 MB WAL, 200,000 rows 831 bytes). Batches are appended as they come, so
 * a commit asked for by a reader has nothing left to append.
 *
 * Any other use of the write connection (`DuckDb.exclusive`: alert states, keys, erasures, the
 * sweep, close) commits the held transaction first. The journal record stored with the commit is
 * the last one appended, so after a crash the records of an uncommitted transaction are replayed.
 */
export class DuckHeldTransaction implements HeldTransaction {
  private open = false;
  private rows = 0;
  private seq: number | undefined;
  private listener: (end: HeldEnd) => void = () => {};

  constructor(
    private readonly db: DuckDb,
    private readonly writer: DuckIngestWriter,
  ) {}

  get heldRows(): number {
    return this.rows;
  }

  onEnd(listener: (end: HeldEnd) => void): void {
    this.listener = listener;
  }

  append(take: () => WriteBatch | null): Promise<WriteResult | null> {
    return this.db.serial(async () => {
      const batch = take();
      if (!batch) return null;
      try {
        if (!this.open) {
          await this.db.writer.run('BEGIN TRANSACTION');
          this.open = true;
          this.db.holdTransaction(() => this.end());
        }
        const { result, onCommit } = await this.writer.appendBatch(batch);
        // Later batches of this transaction must see what it parked or adopted; a rollback makes
        // the writer read the parked set again.
        onCommit();
        this.rows += batchSize(batch);
        if (batch.journalSeq !== undefined) this.seq = batch.journalSeq;
        return result;
      } catch (err) {
        await this.rollBack(err as Error);
        throw err;
      }
    });
  }

  commit(): Promise<void> {
    return this.db.serial(() => this.end());
  }

  /** Commits the open transaction (on the write queue); on failure, rolls it back and rethrows. */
  private async end(): Promise<void> {
    if (!this.open) return;
    const seq = this.seq;
    try {
      await this.writer.beforeCommit();
      if (seq !== undefined) await recordJournalSeq(this.db.writer, seq);
      await this.db.writer.run('COMMIT');
    } catch (err) {
      await this.rollBack(err as Error);
      throw err;
    }
    this.reset();
    this.listener({ committed: true, seq: seq ?? 0 });
  }

  /** Every batch appended since the last commit is gone: the listener requeues them. */
  private async rollBack(error: Error): Promise<void> {
    if (this.open) await this.writer.rollBack();
    this.reset();
    this.listener({ committed: false, error });
  }

  private reset(): void {
    this.open = false;
    this.rows = 0;
    this.seq = undefined;
    this.db.holdTransaction(null);
  }
}
