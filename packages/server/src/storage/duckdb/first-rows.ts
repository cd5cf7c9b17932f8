import type { DuckDb, Params, Row } from './database.js';

/** A column to order by, ascending: a time (BIGINT) or an id (ASCII hex). */
export type OrderKey = { column: string; type: 'bigint' | 'text' };

/** One SELECT (no ORDER BY or LIMIT of its own) and its parameters. */
export type Select = { sql: string; params: Params };

/**
 * The first `limit` rows of the union of `selects` (which never match the same row) in `order`,
 * for reads that find few rows (one trace's spans or logs). Two things DuckDB does cost more than
 * such a read itself on the 100 M-span month (docs/scaling.md):
 * - `ORDER BY … LIMIT` is planned as a top-N that reads the zone maps of every row group to scan
 *   them in order (2–5 ms);
 * - a UNION ALL of the selects scanned slower than the same selects as queries of their own, run
 *   at once on the reader connections (p50 9.1 against 6.1 ms for a trace's index branch and the
 *   uncovered one).
 * So each select runs on its own, unordered and one row past the limit, and the rows are sorted
 * here; only past `limit` rows (a trace of 20,000 spans and more) does DuckDB order them.
 */
export function firstRows(
  db: DuckDb,
  selects: readonly Select[],
  order: readonly OrderKey[],
  limit: number,
): Promise<Row[]> {
  return inOrder(
    db,
    selects.map((s) => ({ select: s, rows: unordered(db, s, limit) })),
    order,
    limit,
  );
}

/**
 * A select's rows as DuckDB finds them, at least one past `limit` if there are (streamed, not a
 * LIMIT: database.ts queryUpTo): started early, ordered by `inOrder`.
 */
export function unordered(db: DuckDb, select: Select, limit: number): Promise<Row[]> {
  const rows = db.queryUpTo(select.sql, limit + 1, select.params);
  // Awaited by inOrder; until then a failure must not count as unhandled (another may fail first).
  rows.catch(() => {});
  return rows;
}

/** The first `limit` rows of the started selects together, in `order` (see firstRows). */
export async function inOrder(
  db: DuckDb,
  started: ReadonlyArray<{ select: Select; rows: Promise<Row[]> }>,
  order: readonly OrderKey[],
  limit: number,
): Promise<Row[]> {
  const parts = await Promise.all(started.map((s) => s.rows));
  const rows = parts.length === 1 ? parts[0]! : parts.flat();
  if (rows.length > limit) {
    const by = order.map((k) => k.column).join(', ');
    return db.query(
      `SELECT * FROM (${started.map((s) => s.select.sql).join(' UNION ALL ')}) ORDER BY ${by} LIMIT ${limit}`,
      started.flatMap((s) => s.select.params),
    );
  }
  return rows.sort((a, b) => compareRows(a, b, order));
}

function compareRows(a: Row, b: Row, order: readonly OrderKey[]): number {
  for (const { column, type } of order) {
    const x = a[column];
    const y = b[column];
    if (x === y) continue;
    // DuckDB orders NULLs last; ids are ASCII, so code units order them as DuckDB's bytes do.
    if (x === null || x === undefined) return 1;
    if (y === null || y === undefined) return -1;
    if (type === 'bigint') {
      const bx = BigInt(x as bigint);
      const by = BigInt(y as bigint);
      if (bx !== by) return bx < by ? -1 : 1;
      continue;
    }
    return String(x) < String(y) ? -1 : 1;
  }
  return 0;
}
