import type { SpanRow } from '../types.js';
import { appendSpanValues } from './appenders.js';
import { openDuckDbStorage } from './index.js';

/**
 * The oracle the column appenders are held to: the same spans through DuckDB's row appender, a
 * value a call, into an empty copy of the table they are compared with.
 */
export type DuckStorage = Awaited<ReturnType<typeof openDuckDbStorage>>;

/** An in-memory store with, for each [copy, of], an empty table `copy` shaped like `of`. */
export async function storageWithCopies(...copies: Array<[string, string]>): Promise<DuckStorage> {
  const storage = await openDuckDbStorage({ dataDir: ':memory:' });
  await storage.migrate();
  for (const [copy, of] of copies)
    await storage.db.exec(`CREATE TABLE ${copy} AS SELECT * FROM ${of} LIMIT 0`);
  return storage;
}

/** Appends `spans` to `table` a value a call (with `parkedNs` after each, for a park's shape). */
export async function appendByRows(
  storage: DuckStorage,
  table: string,
  spans: readonly SpanRow[],
  parkedNs?: bigint,
): Promise<void> {
  const appender = await storage.db.writer.createAppender(table);
  for (const s of spans) {
    appendSpanValues(appender, s);
    if (parkedNs !== undefined) appender.appendBigInt(parkedNs);
    appender.endRow();
  }
  appender.closeSync();
}

/** A table's rows in a fixed order, for comparing two tables. */
export function tableRows(storage: DuckStorage, table: string) {
  return storage.db.query(`SELECT * FROM ${table} ORDER BY span_id, tenant_id`);
}
