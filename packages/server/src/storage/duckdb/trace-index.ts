import type { DuckDb, Row } from './database.js';
import { firstRows, inOrder, type OrderKey, type Select, unordered } from './first-rows.js';
import { Where } from './rows.js';
import { SPAN_COLUMNS } from './schema.js';

/**
 * Looking a trace up by id through the trace index (trace-index-build.ts writes it): its entries
 * name the tenants and windows that hold the trace, and the ranges no indexed window covers are
 * scanned beside them.
 */

/**
 * The indexed windows, read once per sweep that changes them instead of once per look-up (one
 * round trip less for every trace by id). A stale list is safe: a window indexed since reads as
 * not covered (scanned), a reindexed one keeps its range, a dropped one has no rows left (or, an
 * hour window, its day is indexed).
 */
const indexedWindows = new WeakMap<DuckDb, Promise<IndexedWindow[]>>();

/** [from, to) of an indexed window, and whether its spans' links are indexed too (schema v14). */
type IndexedWindow = [bigint, bigint, boolean];

function windowsOf(db: DuckDb): Promise<IndexedWindow[]> {
  let windows = indexedWindows.get(db);
  if (!windows) {
    windows = db
      .query('SELECT window_start_ns AS s, window_ns AS n, links FROM trace_index_windows')
      .then((rows) =>
        rows.map((r): IndexedWindow => {
          const s = BigInt(r.s as bigint);
          return [s, s + BigInt(r.n as bigint), r.links === true];
        }),
      );
    windows.catch(() => indexedWindows.delete(db));
    indexedWindows.set(db, windows);
  }
  return windows;
}

/** Drops the cached list: the sweep changed the indexed windows. */
export function forgetIndexedWindows(db: DuckDb): void {
  indexedWindows.delete(db);
}

/** [from, to) with null for unbounded. */
type Span = [bigint | null, bigint | null];

/** The time ranges no indexed window covers: where a trace must be looked for by scanning. */
export function gaps(windows: ReadonlyArray<readonly [bigint, bigint, ...unknown[]]>): Span[] {
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
  /**
   * What the index knows of spans linking to the trace (an index branch's only): the windows
   * whose links it holds, and those of them where this tenant has spans linking to the trace.
   */
  links: { indexed: Array<[bigint, bigint]>; linking: Array<[bigint, bigint]> } | null;
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
  // literals: DuckDB then uses the ART index and zone maps at plan time (as bound parameters, then
  // bound as HUGEINT, before database.ts paramTypes, the same look-ups took 2-10x longer at 100 M
  // spans). The trace id stays a parameter.
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
  onBranch?.({ tenantKey: null, ranges: gaps(windows), links: null });
  if (windows.length > 0) {
    const hits = await db.query(
      // No DISTINCT: its hash aggregate cost more than the repeats it removes (merged below).
      `SELECT tenant_key, window_start_ns AS s, window_ns AS n, linked FROM trace_index
       WHERE trace_key = ${ukey(key)}`,
    );
    const byTenant = new Map<bigint, Array<[bigint, bigint]>>();
    const linkingByTenant = new Map<bigint, Array<[bigint, bigint]>>();
    for (const h of hits) {
      const s = BigInt(h.s as bigint);
      const tenant = BigInt(h.tenant_key as bigint);
      const into = h.linked === true ? linkingByTenant : byTenant;
      into.set(tenant, [...(into.get(tenant) ?? []), [s, s + BigInt(h.n as bigint)]]);
    }
    const linkIndexed = windows.filter((w) => w[2]).map(([s, e]): [bigint, bigint] => [s, e]);
    for (const [tenant, ranges] of byTenant) {
      for (const [from, to] of disjoint(ranges)) {
        const indexed = spansOf(
          base()
            .add(`tenant_key = ${ukey(tenant)}`)
            .add(`start_ns >= ${int(from)}`)
            .add(`start_ns < ${int(to)}`),
        );
        started.push({ select: indexed, rows: unordered(db, indexed, TRACE_SPANS_LIMIT) });
        onBranch?.({
          tenantKey: tenant,
          ranges: [[from, to]],
          links: { indexed: linkIndexed, linking: linkingByTenant.get(tenant) ?? [] },
        });
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
