import type { CompactionOptions } from '../types.js';
import type { DuckDb } from './database.js';
import { forgetIndexedWindows } from './trace-index.js';

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
  if (windows.built + windows.dropped + hours.built + hours.dropped > 0) forgetIndexedWindows(db);
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
  // A window indexed before its links were (schema v14) counts as stale: reindexed once.
  const indexed = (
    await db.query(
      `SELECT window_start_ns AS s, CASE WHEN links THEN row_count ELSE -1 END AS n
       FROM trace_index_windows WHERE window_ns = ?`,
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
      // A trace's own entries, and one for each trace the window's spans link to (by tenant), so a
      // trace page learns from the index where spans linking to it are instead of searching
      // every span's links around it (read-trace.ts). The linked key is traceKey's (rows.ts).
      // A linking span that arrives late into an indexed window is listed after the next sweep
      // reindexes it (its row count changed), as late spans of a trace are found.
      await db.exec(
        `INSERT INTO trace_index
         SELECT trace_key, tenant_key, ?::BIGINT, ?::BIGINT, linked FROM (
           SELECT DISTINCT trace_key, tenant_key, false AS linked FROM spans
           WHERE start_ns >= ? AND start_ns < ?
           UNION ALL
           SELECT DISTINCT
             CASE WHEN regexp_matches(l, '^[0-9a-f]{16}') THEN ('0x' || substr(l, 1, 16))::UBIGINT
               ELSE 0::UBIGINT END,
             tenant_key, true
           FROM (SELECT tenant_key, unnest(json_extract_string(links, '$[*].traceId')) AS l
             FROM spans WHERE start_ns >= ? AND start_ns < ? AND links <> '[]'))
         ORDER BY trace_key`,
        [start, w, ...range, ...range],
      );
      // Counted in the same snapshot as the entries: a row committed after it changes the count.
      await db.exec(
        `INSERT INTO trace_index_windows
         SELECT ?, ?, count(*), true FROM spans WHERE start_ns >= ? AND start_ns < ?`,
        [start, w, ...range],
      );
    }
    await db.exec('COMMIT');
  } catch (err) {
    await db.exec('ROLLBACK').catch(() => {});
    throw err;
  }
}
