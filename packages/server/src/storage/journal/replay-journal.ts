import { appendRows, batchSize } from '../batch-writer.js';
import type { WriteBatch, WriteStore } from '../types.js';
import type { JournalSegments, ScanReport } from './segments.js';

export interface ReplayReport extends ScanReport {
  /** Records after the store's applied one, committed at open. */
  replayed: number;
  /** Records whose payload could not be rebuilt (skipped and reported). */
  unreadable: number;
}

/** Turns a journaled payload back into the rows it stood for (replay after a restart). */
export type Rebuild = (payload: Buffer) => Promise<WriteBatch>;

/**
 * Commits every journal record after the store's applied one, in transactions of up to
 * `maxBatchItems` items, each recording the last record it holds; returns the last one replayed.
 */
export async function replayJournal(
  store: WriteStore & { appliedJournalSeq(): Promise<number> },
  segments: JournalSegments,
  maxBatchItems: number,
  rebuild: Rebuild,
  onError: (err: Error) => void,
): Promise<{ appliedSeq: number; report: ReplayReport }> {
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
    if (batchSize(pending) >= maxBatchItems) await commit();
  }
  await commit();
  return { appliedSeq: pendingSeq, report };
}
