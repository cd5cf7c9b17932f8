import type { DuckDBAppender, DuckDBConnection } from '@duckdb/node-api';
import { WorkSlice } from '../../ingest/work-slice.js';
import { scoresOfLogs } from '../score-columns.js';
import { encodeSpanColumns, type SpanColumns } from '../span-columns.js';
import type { SettleOptions, SettleReport, SpanRow, WriteBatch, WriteResult } from '../types.js';
import { appendLog, appendMetric } from './appenders.js';
import { appendSpanColumns } from './column-append.js';
import type { DuckDb } from './database.js';
import {
  DEFAULT_RECENT_SPAN_KEYS_OPTIONS,
  RecentSpanKeys,
  type RecentSpanKeysOptions,
} from './recent-span-keys.js';
import { appendScore } from './scores.js';
import { appendRows, insertChecked, insertStaged } from './span-inserts.js';
import { DuckTraceTenants } from './trace-tenants.js';

/**
 * Writes span, log and metric batches, each in one transaction on the single write connection: the
 * promise resolves only after COMMIT, which is what lets ingest acknowledge a request. (A second
 * ingest connection was measured slower: its appender blocks the event loop while the other
 * connection commits.)
 *
 * A resent span (same tenant, trace and span id) is skipped, not double-counted. RecentSpanKeys says
 * which spans are certainly new, and those are appended directly. The rest may be stored already and
 * go through a connection-local temp table (never written to the WAL) and an anti-join; a resent
 * span keeps its start time, so the anti-join reads only the row groups whose start_ns zone maps
 * overlap them.
 */
export class DuckIngestWriter {
  private keys: RecentSpanKeys | null = null;
  private stagingReady = false;
  private readonly traceTenants: DuckTraceTenants;

  constructor(
    private readonly db: DuckDb,
    private readonly options: RecentSpanKeysOptions = DEFAULT_RECENT_SPAN_KEYS_OPTIONS,
    private readonly nowNs: () => bigint = () => BigInt(Date.now()) * 1_000_000n,
  ) {
    this.traceTenants = new DuckTraceTenants(db);
  }

  /** Expires and adopts parked spans (TraceTenantStore.settleParkedSpans), a transaction a step. */
  settle(options: SettleOptions): Promise<SettleReport> {
    const total: SettleReport = { adopted: 0, expired: 0 };
    const step = async (): Promise<boolean> => {
      const conn = this.db.writer;
      await conn.run('BEGIN TRANSACTION');
      try {
        const taken = await this.traceTenants.settleStep(options);
        if (taken.rows.length > 0) await this.insertSpans(conn, taken.rows);
        const forgotten = taken.more
          ? null
          : await this.traceTenants.forgetClaims(options.forgetClaimsBeforeNs);
        await conn.run('COMMIT');
        taken.onCommit();
        forgotten?.();
        total.adopted += taken.report.adopted;
        total.expired += taken.report.expired;
        return taken.more;
      } catch (err) {
        await this.rollBack();
        throw err;
      }
    };
    const loop = async (): Promise<SettleReport> => {
      while (await this.db.exclusive(step)) {}
      return total;
    };
    return loop();
  }

  parkedSpans(): Promise<{ count: number; oldestParkedNs: bigint }> {
    return this.traceTenants.parkedSummary();
  }

  write(batch: WriteBatch): Promise<WriteResult> {
    return this.db.exclusive(() => this.transaction(batch));
  }

  /** The journal record the last committed batch ended at (see WriteBatch.journalSeq). */
  async appliedJournalSeq(): Promise<number> {
    const rows = await this.db.queryOnWriter('SELECT max(applied_seq) AS seq FROM ingest_journal');
    return Number(rows[0]?.seq ?? 0);
  }

  private async recentKeys(): Promise<RecentSpanKeys> {
    if (!this.keys) {
      const rows = await this.db.queryOnWriter('SELECT max(start_ns) AS newest FROM spans');
      const newest = rows[0]?.newest;
      this.keys = new RecentSpanKeys(typeof newest === 'bigint' ? newest : null, this.options);
    }
    return this.keys;
  }

  private async transaction(batch: WriteBatch): Promise<WriteResult> {
    const conn = this.db.writer;
    await conn.run('BEGIN TRANSACTION');
    let appended: { result: WriteResult; onCommit: () => void };
    try {
      appended = await this.appendBatch(batch);
      await this.beforeCommit();
      if (batch.journalSeq !== undefined) await recordJournalSeq(conn, batch.journalSeq);
      await conn.run('COMMIT');
    } catch (err) {
      await this.rollBack();
      throw err;
    }
    appended.onCommit();
    return appended.result;
  }

  /**
   * Appends a batch's rows within the write connection's open transaction. `onCommit` updates
   * in-memory state (the parked set) to what the transaction wrote.
   */
  async appendBatch(batch: WriteBatch): Promise<{ result: WriteResult; onCommit: () => void }> {
    const result: WriteResult = {
      spansWritten: 0,
      spansDuplicate: 0,
      logsWritten: 0,
      metricsWritten: 0,
    };
    const conn = this.db.writer;
    let onCommit = () => {};
    let spans = batch.spans;
    let unparked: SpanRow[] = [];
    let spanColumns = batch.spanColumns ?? [];
    if (
      batch.traceClaims?.length ||
      batch.pendingSpans?.length ||
      batch.pendingSpanColumns?.length
    ) {
      const settled = await this.traceTenants.apply(
        batch,
        (table, rows, append) => appendAll(conn, table, rows, append),
        this.nowNs(),
      );
      // Adopted from this batch: classified by their fingerprints like the batch's own spans.
      if (settled.adopted.length > 0) spans = [...spans, ...settled.adopted];
      if (settled.adoptedColumns.length > 0)
        spanColumns = [...spanColumns, ...settled.adoptedColumns];
      unparked = settled.unparked;
      result.spansParked = settled.parked;
      onCommit = settled.onCommit;
    }
    // Spans adopted from the park are classified like the batch's own, as settle() classifies
    // them: a copy stored meanwhile (a resend adopted straight away, or earlier in this batch) has
    // its fingerprint in RecentSpanKeys, as every span stored past the watermark has, so it takes
    // the checked path; the rest cannot be stored yet. Checking them all through the staging
    // anti-join took most of the writer's time on the tenant-on-roots-only workload (about 0.35 ms
    // a span taken from the park, with the spans table's row groups of their start times read).
    if (unparked.length > 0) {
      // Beside the batch's own span columns when it has them: one appender for all its spans
      // (an appender costs about 1.7 ms however few rows it takes: column-append.ts).
      if (spanColumns.length > 0) spanColumns = [...spanColumns, encodeSpanColumns(unparked)];
      else spans = [...spans, ...unparked];
    }
    result.spansWritten = await this.insertSpans(conn, spans);
    result.spansDuplicate = spans.length - result.spansWritten;
    if (spanColumns.length > 0) {
      const columns = await this.insertSpanColumns(conn, spanColumns);
      result.spansWritten += columns.written;
      result.spansDuplicate += columns.rows - columns.written;
    }
    result.logsWritten = await appendAll(conn, 'logs', batch.logs, appendLog);
    await appendAll(conn, 'scores', scoresOfLogs(batch.logs), appendScore);
    result.metricsWritten = await appendAll(conn, 'metric_points', batch.metrics, appendMetric);
    return { result, onCommit };
  }

  /** Writes what the open transaction holds back (parked span columns) into it: run before COMMIT. */
  beforeCommit(): Promise<void> {
    return this.traceTenants.beforeCommit();
  }

  /**
   * Rolls back the write connection's open transaction. The staging table may have been created
   * in it (it is gone with it), and batches of a held transaction may have updated the parked set.
   */
  async rollBack(): Promise<void> {
    await this.db.writer.run('ROLLBACK').catch(() => {});
    this.stagingReady = false;
    this.traceTenants.forgetParked();
  }

  /**
   * Appends spans that RecentSpanKeys knows are new, and inserts the rest through the staging
   * anti-join; returns how many were stored.
   */
  private async insertSpans(conn: DuckDBConnection, spans: SpanRow[]): Promise<number> {
    const keys = await this.recentKeys();
    const { fresh, suspect } = keys.classify(spans);
    if (suspect.length > 0) await this.ensureStaging(conn);
    let written = await appendRows(conn, 'spans', fresh);
    // After the fresh spans, so a span repeated within this batch finds its first copy.
    if (suspect.length > 0) written += await insertChecked(conn, suspect);
    return written;
  }

  /** The same for span columns: fresh rows appended a data chunk at a time (column-append.ts). */
  private async insertSpanColumns(
    conn: DuckDBConnection,
    batches: SpanColumns[],
  ): Promise<{ rows: number; written: number }> {
    const keys = await this.recentKeys();
    const fresh: Array<{ cols: SpanColumns; keep: Uint8Array }> = [];
    const suspect: Array<{ cols: SpanColumns; keep: Uint8Array }> = [];
    let rows = 0;
    for (const cols of batches) {
      const classified = keys.classifyColumns(cols);
      rows += cols.rows;
      fresh.push({ cols, keep: classified.fresh });
      if (classified.suspects > 0) suspect.push({ cols, keep: classified.fresh.map((f) => 1 - f) });
    }
    const slice = new WorkSlice();
    const appender = await conn.createAppender('spans');
    let written = await appendSpanColumns(appender, fresh, slice);
    appender.closeSync();
    if (suspect.length === 0) return { rows, written };
    await this.ensureStaging(conn);
    let minStart: bigint | null = null;
    let maxStart: bigint | null = null;
    for (const { cols, keep } of suspect) {
      for (let r = 0; r < cols.rows; r++) {
        if (keep[r] !== 1) continue;
        const start = cols.startNs[r]!;
        if (minStart === null || start < minStart) minStart = start;
        if (maxStart === null || start > maxStart) maxStart = start;
      }
    }
    const staging = await conn.createAppender('spans_staging', 'main', 'temp');
    await appendSpanColumns(staging, suspect, slice);
    staging.closeSync();
    written += await insertStaged(conn, minStart!, maxStart!);
    return { rows, written };
  }

  private async ensureStaging(conn: DuckDBConnection): Promise<void> {
    if (this.stagingReady) return;
    await conn.run('CREATE TEMP TABLE IF NOT EXISTS spans_staging AS SELECT * FROM spans LIMIT 0');
    this.stagingReady = true;
  }
}

/** Records the journal record a transaction ends at (see WriteBatch.journalSeq). */
export async function recordJournalSeq(conn: DuckDBConnection, seq: number): Promise<void> {
  await conn.run('INSERT OR REPLACE INTO ingest_journal VALUES (1, ?)', [seq]);
}

/**
 * Appends rows to a table within the connection's open transaction; returns how many. Appending
 * runs on the event loop (about 7 µs a span), so a journal flush of 16,384 spans would hold it for
 * over 100 ms; in time slices, requests keep being decoded and journaled meanwhile.
 */
async function appendAll<T>(
  conn: DuckDBConnection,
  table: string,
  rows: T[],
  append: (a: DuckDBAppender, row: T) => void,
  schema?: { schema: string; catalog: string },
): Promise<number> {
  if (rows.length === 0) return 0;
  const appender = await conn.createAppender(table, schema?.schema, schema?.catalog);
  const slice = new WorkSlice();
  for (const row of rows) {
    if (slice.spent()) await slice.pause();
    append(appender, row);
  }
  appender.closeSync();
  return rows.length;
}
