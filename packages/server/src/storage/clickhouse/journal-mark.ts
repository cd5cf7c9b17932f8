import { readFileSync } from 'node:fs';
import { open, rename } from 'node:fs/promises';
import { join } from 'node:path';
import type { JournaledStore } from '../journal/journaled-writer.js';
import type { WriteBatch, WriteResult } from '../types.js';

/** The file in the journal's directory that holds the last journal record stored in ClickHouse. */
export const APPLIED_FILE = 'clickhouse-applied-seq';

/**
 * ClickHouse behind the ingest journal (storage/journal). DuckDB records the journal record a
 * commit ends at in the same transaction; ClickHouse has no transaction spanning its tables, so the
 * mark is a file beside the journal, written atomically once every insert of the batch succeeded.
 * A crash between the inserts and the mark replays that batch on the next start: the spans, claims
 * and parked spans it holds are all idempotent on ClickHouse (write.ts, trace-tenants.ts), so the
 * replay stores nothing twice. Logs and metric points have no key and must not come through here
 * (signal-split.ts sends them to the group-commit writer).
 */
export function journaledClickHouse(
  storage: { write(batch: WriteBatch): Promise<WriteResult> },
  journalDir: string,
): JournaledStore {
  const mark = new AppliedMark(journalDir);
  return {
    async write(batch) {
      if (batch.logs.length > 0 || batch.metrics.length > 0) {
        // A replay would store them again: refuse rather than count a row twice one day.
        throw new Error('the ClickHouse journal takes traces only (logs and metrics have no key)');
      }
      const result = await storage.write(batch);
      if (batch.journalSeq !== undefined) await mark.record(batch.journalSeq);
      return result;
    },
    appliedJournalSeq: async () => mark.read(),
  };
}

/** A sequence number in a small file, replaced by rename so a crash leaves the old or the new. */
export class AppliedMark {
  private readonly path: string;

  constructor(private readonly dir: string) {
    this.path = join(dir, APPLIED_FILE);
  }

  /** The recorded seq, 0 if none was ever recorded. A damaged file stops the start: see below. */
  read(): number {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
      throw err;
    }
    const m = /^(\d+)\n$/.exec(text);
    if (!m) {
      // Written by rename of a synced file, so never torn by a crash. Reading it as 0 would replay
      // (idempotently) a whole journal, and as anything else could skip acknowledged records.
      throw new Error(`${this.path} is damaged (${JSON.stringify(text.slice(0, 40))})`);
    }
    return Number(m[1]);
  }

  /** Durable once this resolves: the file is synced, renamed over the old one, the dir synced. */
  async record(seq: number): Promise<void> {
    const tmp = `${this.path}.tmp`;
    const file = await open(tmp, 'w', 0o600);
    try {
      await file.writeFile(`${seq}\n`);
      await file.datasync();
    } finally {
      await file.close();
    }
    await rename(tmp, this.path);
    const dir = await open(this.dir, 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  }
}
