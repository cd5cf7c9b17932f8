import type { CompactionOptions } from '../types.js';
import type { DuckDb, Row } from './database.js';
import { firstRows, inOrder, type OrderKey, type Select, unordered } from './first-rows.js';
import { Where } from './rows.js';
import { SPAN_COLUMNS } from './schema.js';

/**
 * The trace index (schema v9): for every closed time window, which (trace_key, tenant_key) pairs
 * it holds, written sorted by trace_key, so DuckDB's zone maps find a trace's entries in one row
 * group per window. A trace looked up by id, with or without its tenant, then reads only its
 * tenants' row groups in the windows that hold it (compaction sorted them by tenant), plus the
 * windows the index does not cover yet (the open one, in arrival order). At 100 M spans a trace
 * by id went from a scan of every trace_key to a few row groups (docs/scaling.md).
 *
 * It is built by the compaction sweep, not by ingest: the write path pays nothing. A window is
 * (re)indexed when its row count differs from the count recorded with its index, so late rows,
 * retention and erasure are caught on the next sweep. Until then a trace whose spans all arrived
 * late into an indexed window has no entry; `traceRows` falls back to a full scan when the index
 * finds nothing, so such a trace is still found (the cost of a miss: one scan).
 */
export async function indexClosedWindows(db: DuckDb, options: CompactionOptions): Promise<number> {
  const w = options.windowNs;
  const closedEnd = (options.closedBeforeNs / w) * w;
  const windows = await syncWindows(db, w, null, closedEnd, options);
  // The open window's closed hours too: a look-up then scans the last hour or two for a trace,
  // not the whole open day (3.3 M rows at 100 M spans a month). Dropped once their day is indexed.
  const hourEnd = (options.closedBeforeNs / HOUR_NS) * HOUR_NS;
  const hours =
    w > HOUR_NS && !options.signal?.aborted
      ? await syncWindows(db, HOUR_NS, closedEnd, hourEnd, options)
      : { built: 0, dropped: 0 };
  // Hour windows are small and appended after the sorted whole: resorted with the next day.
  if (windows.built + windows.dropped > 0 && !options.signal?.aborted) await sortIndex(db);
  if (windows.built + windows.dropped + hours.built + hours.dropped > 0) indexedWindows.delete(db);
  return windows.built + hours.built;
}

const HOUR_NS = 3_600_000_000_000n;

/**
 * (Re)indexes the windows of `w` in [fromNs, toNs) whose row count changed, and drops the indexed
 * windows of `w` that have no rows there (gone, or an hour whose day is now indexed whole).
 */
async function syncWindows(
  db: DuckDb,
  w: bigint,
  fromNs: bigint | null,
  toNs: bigint,
  options: CompactionOptions,
): Promise<{ built: number; dropped: number }> {
  const range = fromNs === null ? 'start_ns < ?' : 'start_ns >= ? AND start_ns < ?';
  const counts = new Map(
    (
      await db.query(
        `SELECT start_ns // ? AS w, count(*) AS n FROM spans WHERE ${range} GROUP BY w`,
        [w, ...(fromNs === null ? [] : [fromNs]), toNs],
      )
    ).map((r) => [BigInt(r.w as bigint) * w, Number(r.n)]),
  );
  const indexed = (
    await db.query(
      'SELECT window_start_ns AS s, row_count AS n FROM trace_index_windows WHERE window_ns = ?',
      [w],
    )
  ).map((r) => [BigInt(r.s as bigint), Number(r.n)] as const);
  let built = 0;
  let dropped = 0;
  for (const [start] of indexed) {
    if (counts.has(start)) continue;
    await db.exclusive(() => reindex(db, start, w, false));
    dropped++;
  }
  const done = new Map(indexed);
  for (const [start, n] of [...counts].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    if (done.get(start) === n) continue;
    if (options.signal?.aborted) break;
    await db.exclusive(() => reindex(db, start, w, true));
    built++;
  }
  return { built, dropped };
}

/**
 * The indexed windows, read once per sweep that changes them instead of once per look-up (one
 * round trip less for every trace by id). A stale list is safe: a window indexed since reads as
 * not covered (scanned), a reindexed one keeps its range, a dropped one has no rows left (or, an
 * hour window, its day is indexed).
 */
const indexedWindows = new WeakMap<DuckDb, Promise<Array<[bigint, bigint]>>>();

function windowsOf(db: DuckDb): Promise<Array<[bigint, bigint]>> {
  let windows = indexedWindows.get(db);
  if (!windows) {
    windows = db
      .query('SELECT window_start_ns AS s, window_ns AS n FROM trace_index_windows')
      .then((rows) =>
        rows.map(
          (r) =>
            [BigInt(r.s as bigint), BigInt(r.s as bigint) + BigInt(r.n as bigint)] as [
              bigint,
              bigint,
            ],
        ),
      );
    windows.catch(() => indexedWindows.delete(db));
    indexedWindows.set(db, windows);
  }
  return windows;
}

/**
 * Rewrites the whole index in trace_key order. Each window's entries are sorted, but a look-up
 * still read one row group per window (30 for a month: 13 ms p50, 33 ms p95 at 20 M entries); in
 * one order, zone maps leave one or two row groups for the whole index (3.6 / 12 ms), for a
 * rewrite of 10 s (5.5 s CPU) at 20 M entries, once per sweep that changed the index.
 *
 * The sorted copy is built on a connection of its own, so ingest keeps the write connection; only
 * the swap takes it. Nothing else writes the index meanwhile: the sweep is its only writer.
 */
async function sortIndex(db: DuckDb): Promise<void> {
  const conn = await db.instance.connect();
  try {
    await conn.run('DROP TABLE IF EXISTS trace_index_sorted');
    await conn.run(
      'CREATE TABLE trace_index_sorted AS SELECT * FROM trace_index ORDER BY trace_key',
    );
  } finally {
    conn.closeSync();
  }
  await db.exclusive(async () => {
    await db.exec('BEGIN TRANSACTION');
    try {
      await db.exec('DROP TABLE trace_index');
      await db.exec('ALTER TABLE trace_index_sorted RENAME TO trace_index');
      await db.exec('COMMIT');
    } catch (err) {
      await db.exec('ROLLBACK').catch(() => {});
      throw err;
    }
  });
}

/** One transaction: the window's entries and its record replaced (or just dropped). */
async function reindex(db: DuckDb, start: bigint, w: bigint, build: boolean): Promise<void> {
  const range = [start, start + w];
  await db.exec('BEGIN TRANSACTION');
  try {
    await db.exec('DELETE FROM trace_index WHERE window_start_ns = ? AND window_ns = ?', [
      start,
      w,
    ]);
    await db.exec('DELETE FROM trace_index_windows WHERE window_start_ns = ? AND window_ns = ?', [
      start,
      w,
    ]);
    if (build) {
      await db.exec(
        `INSERT INTO trace_index
         SELECT DISTINCT trace_key, tenant_key, ?::BIGINT, ?::BIGINT FROM spans
         WHERE start_ns >= ? AND start_ns < ? ORDER BY trace_key`,
        [start, w, ...range],
      );
      // Counted in the same snapshot as the entries: a row committed after it changes the count.
      await db.exec(
        `INSERT INTO trace_index_windows
         SELECT ?, ?, count(*) FROM spans WHERE start_ns >= ? AND start_ns < ?`,
        [start, w, ...range],
      );
    }
    await db.exec('COMMIT');
  } catch (err) {
    await db.exec('ROLLBACK').catch(() => {});
    throw err;
  }
}

/** [from, to) with null for unbounded. */
type Span = [bigint | null, bigint | null];

/** The time ranges no indexed window covers: where a trace must be looked for by scanning. */
function gaps(windows: Array<[bigint, bigint]>): Span[] {
  const sorted = [...windows].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const out: Span[] = [];
  let from: bigint | null = null;
  for (const [s, e] of sorted) {
    if (from === null || s > from) out.push([from, s]);
    if (from === null || e > from) from = e;
  }
  out.push([from, null]);
  return out;
}

/**
 * Where a trace's spans are being read, as each read starts: one tenant's ranges from the index,
 * or (tenantKey null) the ranges no indexed window covers, in any tenant.
 */
export interface TraceBranch {
  tenantKey: bigint | null;
  /** [from, to) with null for unbounded. */
  ranges: Array<[bigint | null, bigint | null]>;
}

/**
 * A trace's span rows (scoped to `tenantId` when not null), the columns a SpanRow is read from,
 * ordered by start time: the index's tenants and windows, plus every range it does not cover. `onBranch`
 * hears of each read as it starts, for reads to run beside it (read-trace.ts).
 */
export async function traceRows(
  db: DuckDb,
  tenantId: string | null,
  traceId: string,
  key: bigint,
  onBranch?: (branch: TraceBranch) => void,
): Promise<Row[]> {
  const windows = await windowsOf(db);
  // Keys and bounds are integers computed here (BigInt), so they are written into the SQL as
  // literals: DuckDB then uses the ART index and zone maps at plan time (as bound parameters the
  // same look-ups took 2-10x longer at 100 M spans). The trace id stays a parameter.
  const int = (v: bigint) => BigInt.asIntN(64, v).toString();
  const ukey = (v: bigint) => `${BigInt.asUintN(64, v).toString()}::UBIGINT`;
  const base = () =>
    new Where()
      .add(`trace_key = ${ukey(key)}`)
      .add('trace_id = ?', traceId)
      .scope(tenantId);
  // Every range no window covers, in one scan: an OR of ranges of one column is still pruned by
  // zone maps (both ends of the month at 100 M spans: 0.8-1.1 ms, about one branch's fixed cost).
  // It needs nothing from the index, so it runs while the index is read.
  const uncovered = gaps(windows).map(([from, to]) =>
    from === null && to === null
      ? 'true'
      : [
          from === null ? null : `start_ns >= ${int(from)}`,
          to === null ? null : `start_ns < ${int(to)}`,
        ]
          .filter((c) => c !== null)
          .join(' AND '),
  );
  const outside = spansOf(base().add(`(${uncovered.map((c) => `(${c})`).join(' OR ')})`));
  const started = [{ select: outside, rows: unordered(db, outside, TRACE_SPANS_LIMIT) }];
  onBranch?.({ tenantKey: null, ranges: gaps(windows) });
  if (windows.length > 0) {
    const hits = await db.query(
      // No DISTINCT: its hash aggregate cost more than the repeats it removes (merged below).
      `SELECT tenant_key, window_start_ns AS s, window_ns AS n FROM trace_index
       WHERE trace_key = ${ukey(key)}`,
    );
    const byTenant = new Map<bigint, Array<[bigint, bigint]>>();
    for (const h of hits) {
      const s = BigInt(h.s as bigint);
      const tenant = BigInt(h.tenant_key as bigint);
      byTenant.set(tenant, [...(byTenant.get(tenant) ?? []), [s, s + BigInt(h.n as bigint)]]);
    }
    for (const [tenant, ranges] of byTenant) {
      for (const [from, to] of disjoint(ranges)) {
        const indexed = spansOf(
          base()
            .add(`tenant_key = ${ukey(tenant)}`)
            .add(`start_ns >= ${int(from)}`)
            .add(`start_ns < ${int(to)}`),
        );
        started.push({ select: indexed, rows: unordered(db, indexed, TRACE_SPANS_LIMIT) });
        onBranch?.({ tenantKey: tenant, ranges: [[from, to]] });
      }
    }
  }
  // The branches never overlap (a tenant's windows merged above, the uncovered ranges outside every
  // window): no row is matched twice, and each is a query of its own (first-rows.ts).
  const rows = await inOrder(db, started, SPAN_ORDER, TRACE_SPANS_LIMIT);
  // Nothing indexed and nothing uncovered: a trace of late rows only, not indexed yet, or none.
  if (rows.length === 0 && windows.length > 0)
    return firstRows(db, [spansOf(base())], SPAN_ORDER, TRACE_SPANS_LIMIT);
  return rows;
}

/** Overlapping or touching ranges merged: an hour window and its day, both indexed for a moment. */
function disjoint(ranges: Array<[bigint, bigint]>): Array<[bigint, bigint]> {
  const sorted = [...ranges].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const out: Array<[bigint, bigint]> = [];
  for (const [s, e] of sorted) {
    const last = out[out.length - 1];
    if (last && s <= last[1]) {
      if (e > last[1]) last[1] = e;
    } else out.push([s, e]);
  }
  return out;
}

const spansOf = (where: Where): Select => ({
  sql: `SELECT ${SPAN_ROW_COLUMNS} FROM spans ${where.sql}`,
  params: where.params,
});

/**
 * What a span row is read from (columns.ts spanFromColumns): not the columns derived for
 * aggregates and look-ups (is_llm, is_tool, trace_key, tenant_key), whose blocks a trace's first
 * read would load for nothing.
 */
const SPAN_ROW_COLUMNS = SPAN_COLUMNS.filter(
  (c) => !['is_llm', 'is_tool', 'trace_key', 'tenant_key'].includes(c),
).join(', ');

/** The most spans a trace page shows: its first by start time. */
const TRACE_SPANS_LIMIT = 20_000;

const SPAN_ORDER: OrderKey[] = [
  { column: 'start_ns', type: 'bigint' },
  { column: 'span_id', type: 'text' },
];
