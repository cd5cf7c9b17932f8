import { TenantryError } from '../../errors.js';
import type { CompactionOptions, CompactionReport } from '../types.js';
import type { DuckDb, Params } from './database.js';
import { rollUpClosedHours } from './tenant-rollup.js';
import { indexClosedWindows } from './trace-index-build.js';

/**
 * Background compaction: ingest appends rows in arrival (time) order, so one tenant's rows are
 * spread over every row group and DuckDB's zone maps on `tenant_id` prune nothing. Once a time
 * window is closed (it gets no more rows, save rare late ones), its rows are rewritten sorted by
 * (tenant_id, time): a one-tenant query then reads the few row groups that hold that tenant.
 *
 * Each transaction moves one slice of a window (a range of tenants, or a time range of one big
 * tenant): it inserts the slice's rows sorted and deletes the originals, on the single write
 * connection, so readers see either the old copy or the new one, never both or neither, and the
 * (tenant, trace, span) keys of spans never change. Slices are bounded so that a writer waiting
 * for the write connection (an ingest batch) waits for at most one slice.
 *
 * The cost of bounded slices: rows that other writers commit between two slices are appended in
 * between, so the row group at that boundary mixes the window's rows with new ones and its zone
 * maps cover both; fewer, bigger slices leave fewer such row groups.
 */

/** The rewrite deleted a different number of rows than it inserted; it was rolled back. */
export class CompactionMismatchError extends TenantryError {
  constructor(table: string, inserted: number, deleted: number) {
    super(
      'TENANTRY_E_COMPACTION_MISMATCH',
      `compaction of ${table} inserted ${inserted} rows but deleted ${deleted}; rolled back`,
      { table, inserted, deleted },
    );
  }
}

/**
 * Telemetry tables, the column they are grouped by tenant on and their time column; each window is
 * sorted by (tenant, time). Spans and logs sort on tenant_key, whose first bytes differ between
 * tenants (zone maps compare only 8 bytes of a string; see schema.ts); metric points are only ever
 * read whole per tenant and keep tenant_id.
 */
const TABLES = [
  {
    table: 'spans',
    tenant: 'tenant_key',
    time: 'start_ns',
    order: 'tenant_key, tenant_id, start_ns, trace_id, span_id',
  },
  { table: 'logs', tenant: 'tenant_key', time: 'time_ns', order: 'tenant_key, tenant_id, time_ns' },
  {
    table: 'metric_points',
    tenant: 'tenant_id',
    time: 'time_ns',
    order: 'tenant_id, name, time_ns',
  },
] as const;
type Table = (typeof TABLES)[number];
/** A value of a table's tenant column: a tenant_key or a tenant_id. */
type TenantBound = bigint | string;

/** One transaction's worth: tenants in [fromTenant, toTenant) and times in [fromNs, toNs). */
interface Slice {
  fromTenant: TenantBound | null;
  toTenant: TenantBound | null;
  fromNs: bigint;
  toNs: bigint;
}

export async function compactClosedWindows(
  db: DuckDb,
  options: CompactionOptions,
): Promise<CompactionReport> {
  const report: CompactionReport = { windows: 0, rows: 0, transactions: 0 };
  const w = options.windowNs;
  // Only whole windows strictly before the first window that is still open.
  const closedEnd = (options.closedBeforeNs / w) * w;
  for (const t of TABLES) {
    // Rows each window had when it was rewritten; a window not listed was never rewritten.
    const rewritten = new Map(
      (
        await db.query(
          'SELECT window_start_ns, row_count FROM compacted_windows WHERE table_name = ? AND window_ns = ?',
          [t.table, w],
        )
      ).map((r) => [BigInt(r.window_start_ns as bigint), Number(r.row_count)]),
    );
    const windows = await db.query(
      `SELECT ${t.time} // ? AS w, count(*) AS n FROM ${t.table} WHERE ${t.time} < ?
       GROUP BY w ORDER BY w`,
      [w, closedEnd],
    );
    for (const row of windows) {
      const start = BigInt(row.w as bigint) * w;
      const before = rewritten.get(start);
      // Late rows were appended after the sorted copy, in arrival order; past a small share they
      // cost one-tenant queries enough to sort the window again. (Retention and erasure take the
      // rows they delete off the recorded count, lifecycle.ts, so deletions do not hide them.)
      if (before !== undefined && Number(row.n) - before <= options.lateRowsFraction * before)
        continue;
      if (options.signal?.aborted) return report;
      const moved = await compactWindow(db, t, start, start + w, options);
      if (moved === null) return report;
      report.windows++;
      report.rows += moved.rows;
      report.transactions += moved.transactions;
    }
  }
  // The trace index of the closed windows (trace-index.ts), once their layout is final.
  const indexed = await indexClosedWindows(db, options);
  // The tenant rollup of the closed hours (tenant-rollup.ts), read by the tenants overview.
  const rolled = options.signal?.aborted ? 0 : await rollUpClosedHours(db, options);
  if (report.windows > 0 || indexed > 0 || rolled > 0) {
    // Folds the deletions into the file so row groups left empty are dropped; a checkpoint that
    // cannot run now (a long read holds an old snapshot) is retried by DuckDB's own autocheckpoint.
    await db.exclusive(() => db.exec('CHECKPOINT')).catch(() => {});
  }
  return report;
}

/** Rewrites one window slice by slice; null when stopped before it was finished. */
async function compactWindow(
  db: DuckDb,
  t: Table,
  fromNs: bigint,
  toNs: bigint,
  options: CompactionOptions,
): Promise<{ rows: number; transactions: number } | null> {
  const slices = await planSlices(db, t, fromNs, toNs, options.maxRowsPerTransaction);
  let rows = 0;
  for (let i = 0; i < slices.length; i++) {
    if (options.signal?.aborted) return null;
    const last = i === slices.length - 1;
    rows += await db.exclusive(() =>
      rewriteSlice(
        db,
        t,
        slices[i]!,
        last ? { start: fromNs, windowNs: toNs - fromNs, atMs: options.nowMs ?? Date.now() } : null,
      ),
    );
  }
  // The record is written with the last slice; `rows` is what this sweep moved.
  return { rows, transactions: slices.length };
}

/**
 * Splits a window into tenant ranges of at most `maxRows` rows (a tenant bigger than that gets
 * time sub-ranges). Ranges are contiguous and open-ended at both ends, so a tenant that first
 * shows up in the window after planning (a late row) is still moved, only not into its own slice.
 */
async function planSlices(
  db: DuckDb,
  t: Table,
  fromNs: bigint,
  toNs: bigint,
  maxRows: number,
): Promise<Slice[]> {
  const counts = await db.query(
    `SELECT ${t.tenant} AS tenant, count(*) AS n FROM ${t.table}
     WHERE ${t.time} >= ? AND ${t.time} < ? GROUP BY 1 ORDER BY 1`,
    [fromNs, toNs],
  );
  const slices: Slice[] = [];
  // Lower bound of the range being filled (null: from the smallest tenant id) and its rows.
  let lower: TenantBound | null = null;
  let rows = 0;
  for (const row of counts) {
    const tenant = row.tenant as TenantBound;
    const n = Number(row.n);
    if (rows > 0 && rows + n > maxRows) {
      slices.push({ fromTenant: lower, toTenant: tenant, fromNs, toNs });
      lower = tenant;
      rows = 0;
    }
    if (n > maxRows) {
      // One tenant bigger than a transaction: its window in time sub-ranges.
      const upper = nextTenant(tenant);
      const parts = BigInt(Math.ceil(n / maxRows));
      const step = (toNs - fromNs + parts - 1n) / parts;
      for (let s = fromNs; s < toNs; s += step) {
        const e = s + step < toNs ? s + step : toNs;
        slices.push({ fromTenant: lower, toTenant: upper, fromNs: s, toNs: e });
      }
      // The greatest possible key: nothing can sort after it, so no open-ended range follows.
      if (upper === null) return slices;
      lower = upper;
      continue;
    }
    rows += n;
  }
  // The last range is open-ended, so tenants sorting after every planned one are covered too.
  // (After a split tenant this range may hold no rows yet; it costs one empty transaction.)
  slices.push({ fromTenant: lower, toTenant: null, fromNs, toNs });
  return slices;
}

/** The smallest tenant value greater than `tenant` (ids compare as bytes); null past the last key. */
function nextTenant(tenant: TenantBound): TenantBound | null {
  if (typeof tenant === 'string') return `${tenant}\u0000`;
  return tenant < 0xffff_ffff_ffff_ffffn ? tenant + 1n : null;
}

/** One transaction: insert the slice sorted, delete the originals, verify, record, commit. */
async function rewriteSlice(
  db: DuckDb,
  t: Table,
  s: Slice,
  record: { start: bigint; windowNs: bigint; atMs: number } | null,
): Promise<number> {
  const where: string[] = [`${t.time} >= ?`, `${t.time} < ?`];
  const params: Params = [s.fromNs, s.toNs];
  // UBIGINT keys are bound with a cast: a bigint parameter binds as BIGINT (signed).
  const bound = t.tenant === 'tenant_key' ? '?::UBIGINT' : '?';
  if (s.fromTenant !== null) {
    where.push(`${t.tenant} >= ${bound}`);
    params.push(s.fromTenant);
  }
  if (s.toTenant !== null) {
    where.push(`${t.tenant} < ${bound}`);
    params.push(s.toTenant);
  }
  const pred = where.join(' AND ');
  await db.exec('BEGIN TRANSACTION');
  try {
    // Rows that existed when the transaction began all have a row id up to this one; the sorted
    // copies inserted below get ids above it, so the delete can only hit originals.
    const top = (await db.queryOnWriter(`SELECT max(rowid) AS m FROM ${t.table}`))[0]?.m;
    const inserted = await db.change(
      `INSERT INTO ${t.table} SELECT * FROM ${t.table} WHERE ${pred} ORDER BY ${t.order}`,
      params,
    );
    const deleted =
      inserted === 0
        ? 0
        : await db.change(`DELETE FROM ${t.table} WHERE ${pred} AND rowid <= ?`, [
            ...params,
            BigInt((top as bigint | null) ?? -1n),
          ]);
    if (deleted !== inserted) throw new CompactionMismatchError(t.table, inserted, deleted);
    if (record) {
      await db.exec(
        `INSERT OR REPLACE INTO compacted_windows VALUES (?, ?, ?,
           (SELECT count(*) FROM ${t.table} WHERE ${t.time} >= ? AND ${t.time} < ?), ?)`,
        [
          t.table,
          record.start,
          record.windowNs,
          record.start,
          record.start + record.windowNs,
          BigInt(Math.floor(record.atMs)),
        ],
      );
    }
    await db.exec('COMMIT');
    return inserted;
  } catch (err) {
    await db.exec('ROLLBACK').catch(() => {});
    throw err;
  }
}
