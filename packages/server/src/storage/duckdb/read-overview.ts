import { fleetTotalsFromColumns, tenantAggregateFromColumns } from '../aggregate-columns.js';
import type {
  FleetTotals,
  NsRange,
  TenantAggregateRow,
  TenantListQuery,
  TenantSort,
} from '../read-types.js';
import type { TenantScope } from '../types.js';
import type { DuckDb, Params, Row } from './database.js';
import { pricesTable } from './read-tenants.js';
import { likePattern, Where } from './rows.js';
import { HOUR_NS, rolledUpHours, rollupColumns } from './tenant-rollup.js';

/**
 * The tenants overview and the fleet totals above it, from the tenant rollup (tenant-rollup.ts)
 * for the whole hours of the range the sweep has rolled up, and from spans for the rest (the
 * ragged ends of the range, hours not closed yet or not rolled up yet): both sides are rollup-
 * shaped rows, summed per tenant. Quantiles stay exact: quantile_cont over the runs' durations,
 * which the rollup keeps as lists, for the page's tenants only unless the page is sorted by p95.
 */

/** Whole hours of `range` the rollup holds, as [from, to) runs of consecutive hours. */
async function rolledUp(db: DuckDb, range: NsRange): Promise<Array<[bigint, bigint]>> {
  const first = ((range.fromNs + HOUR_NS - 1n) / HOUR_NS) * HOUR_NS;
  if (range.toNs - first < HOUR_NS) return [];
  const runs: Array<[bigint, bigint]> = [];
  for (const h of await rolledUpHours(db)) {
    if (h < first || h > range.toNs - HOUR_NS) continue;
    const last = runs[runs.length - 1];
    if (last && last[1] === h) last[1] = h + HOUR_NS;
    else runs.push([h, h + HOUR_NS]);
  }
  return runs;
}

/** [from, to) minus the rolled-up runs: where spans are scanned. */
function gaps(range: NsRange, covered: Array<[bigint, bigint]>): Array<[bigint, bigint]> {
  const out: Array<[bigint, bigint]> = [];
  let from = range.fromNs;
  for (const [s, e] of covered) {
    if (s > from) out.push([from, s]);
    from = e;
  }
  if (range.toNs > from) out.push([from, range.toNs]);
  return out;
}

/** The additive columns; the run durations (run_ns) are read only for quantiles. */
const COLUMNS = `tenant_id, model, spans, runs, failed_runs, llm_calls, input_tokens,
  output_tokens, llm_ns, tool_calls, tool_errors, last_seen_ns`;

/** Which rows: the scope, the range and what of it is rolled up, and the tenant filters. */
interface Sources {
  scope: TenantScope;
  range: NsRange;
  covered: Array<[bigint, bigint]>;
  /** Tenant names containing this (ILIKE). */
  q?: string;
  /** Only these tenants (the page's, for its quantiles). */
  tenants?: string[];
}

/**
 * The rollup-shaped rows (`columns` of them) of the sources: one UNION ALL branch of rollup rows,
 * one spans scan per gap grouped by (tenant, model).
 */
function sources(src: Sources, columns: string): { sql: string; params: Params } {
  const filter = (w: Where) => {
    if (src.q) w.add(`tenant_id ILIKE ? ESCAPE '\\'`, likePattern(src.q));
    if (src.tenants)
      w.add(`tenant_id IN (${src.tenants.map(() => '?').join(', ')})`, ...src.tenants);
    return w;
  };
  const branches: string[] = [];
  const params: Params = [];
  if (src.covered.length > 0) {
    const w = new Where().add(
      `(${src.covered.map(([s, e]) => `(hour_ns >= ${s} AND hour_ns < ${e})`).join(' OR ')})`,
    );
    if (src.scope.tenantId !== null) w.add('tenant_id = ?', src.scope.tenantId);
    filter(w);
    branches.push(`SELECT ${columns} FROM tenant_hours ${w.sql}`);
    params.push(...w.params);
  }
  for (const [s, e] of gaps(src.range, src.covered)) {
    // Bounds are integers computed here, written as literals so zone maps prune at plan time.
    const w = filter(
      new Where().scope(src.scope.tenantId).add(`start_ns >= ${s}`).add(`start_ns < ${e}`),
    );
    branches.push(
      `SELECT ${columns} FROM (SELECT ${rollupColumns('NULL::BIGINT')} FROM spans ${w.sql} GROUP BY ALL)`,
    );
    params.push(...w.params);
  }
  // An empty range: no rows, in the same shape.
  if (branches.length === 0) branches.push(`SELECT ${columns} FROM tenant_hours WHERE false`);
  return { sql: branches.join(' UNION ALL '), params };
}

const QUANTILES = 'run_q[1] AS a_p50, run_q[2] AS a_p95, run_q[3] AS a_p99';

const SORT_SQL: Record<TenantSort, string> = {
  tenant: 'tenant_id',
  runs: 'a_runs',
  failure_rate: 'a_failed_runs / nullif(a_runs, 0)',
  p95: 'a_p95',
  tokens: 'a_input_tokens + a_output_tokens',
  cost: 'a_cost',
  tool_error_rate: 'a_tool_errors / nullif(a_tool_calls, 0)',
  last_seen: 'a_last_seen',
};

/** quantile_cont of the runs' durations per tenant of the sources. */
function runQuantiles(src: Sources): { sql: string; params: Params } {
  const rows = sources(src, 'tenant_id, run_ns');
  return {
    sql: `SELECT tenant_id, quantile_cont(d, [0.5, 0.95, 0.99]) AS run_q
      FROM (SELECT tenant_id, unnest(run_ns) AS d FROM (${rows.sql})) GROUP BY tenant_id`,
    params: rows.params,
  };
}

/** Sets a row's a_p50/a_p95/a_p99 from its run quantiles (quantile_cont's list, or none). */
function setQuantiles(r: Row, q: unknown): void {
  [r.a_p50, r.a_p95, r.a_p99] = Array.isArray(q)
    ? [q[0] ?? null, q[1] ?? null, q[2] ?? null]
    : [null, null, null];
}

/** The run quantiles of `tenants` (a page), by tenant id. */
async function pageQuantiles(db: DuckDb, base: Sources, tenants: string[]) {
  const page = runQuantiles({ ...base, tenants });
  const rows = await db.query(page.sql, page.params);
  return new Map(rows.map((r) => [String(r.tenant_id), r.run_q]));
}

export async function tenantAggregates(
  db: DuckDb,
  scope: TenantScope,
  q: TenantListQuery,
): Promise<TenantAggregateRow[]> {
  const base: Sources = { scope, range: q.range, covered: await rolledUp(db, q.range), q: q.q };
  if (scope.tenantId !== null) return oneTenantAggregate(db, base, q);
  const src = sources(base, COLUMNS);
  const prices = pricesTable(q.prices);
  const order = `${SORT_SQL[q.sort]} ${q.order === 'asc' ? 'ASC' : 'DESC'} NULLS LAST, tenant_id`;
  // Quantiles in the aggregate query only when sorted by them: in one query (its rollup rows read
  // once more in a CTE) a page measured slower (100 M spans, 4 rounds interleaved at load 7.5: p50
  // 15.9 vs 21.0 ms); otherwise they are read after it, for the page's tenants only.
  const byP95 = q.sort === 'p95';
  const all = byP95 ? runQuantiles(base) : null;
  const rows = await db.query(
    `WITH r AS (${src.sql}),
     agg AS (
       SELECT tenant_id, sum(spans) AS a_spans, sum(runs) AS a_runs,
         sum(failed_runs) AS a_failed_runs, sum(llm_calls) AS a_llm_calls,
         sum(input_tokens) AS a_input_tokens, sum(output_tokens) AS a_output_tokens,
         sum(llm_ns) AS a_llm_ns, sum(tool_calls) AS a_tool_calls,
         sum(tool_errors) AS a_tool_errors, max(last_seen_ns) AS a_last_seen
       FROM r GROUP BY tenant_id),
     by_model AS (
       SELECT tenant_id, model, sum(input_tokens) AS i, sum(output_tokens) AS o
       FROM r WHERE model IS NOT NULL GROUP BY ALL),
     cost AS (
       SELECT tenant_id,
         coalesce(sum((i * p_in + o * p_out) / 1e6) FILTER (WHERE p_model IS NOT NULL), 0) AS cost,
         list(model ORDER BY model) FILTER (WHERE p_model IS NULL AND i + o > 0) AS unpriced
       FROM by_model LEFT JOIN ${prices.sql} AS prices ON by_model.model = prices.p_model
       GROUP BY tenant_id)
       ${all ? `, run_q AS (${all.sql})` : ''}
     SELECT agg.*, coalesce(cost.cost, 0) AS a_cost, cost.unpriced AS a_unpriced
       ${all ? `, ${QUANTILES}` : ''}
     FROM agg LEFT JOIN cost USING (tenant_id) ${all ? 'LEFT JOIN run_q USING (tenant_id)' : ''}
     ORDER BY ${order} LIMIT ${q.limit} OFFSET ${q.offset}`,
    [...src.params, ...prices.params, ...(all?.params ?? [])],
  );
  if (!byP95 && rows.length > 0) {
    // Quantiles need every run's duration: read them for the page's tenants only.
    const tenants = rows.map((r) => String(r.tenant_id));
    const byTenant = await pageQuantiles(db, base, tenants);
    for (const r of rows) setQuantiles(r, byTenant.get(String(r.tenant_id)));
  }
  return rows.map(tenantAggregateFromColumns);
}

/**
 * A one-tenant scope's page: its row at most, so the aggregates need no GROUP BY and its run
 * quantiles come from the same scan (the durations' lists flattened). DuckDB's hash aggregates and
 * the price join cost milliseconds however few rows they see (a tenant's day is 96 rollup rows):
 * at 100 M spans one tenant's sums took 2.1 ms without a GROUP BY, 3.3-4.2 with one, and the
 * grouped page query 9.6-12.3 (docs/scaling.md). Cost is linear in each model's token sums, so
 * each priced model gets its own FILTERed sums; token counts are never negative (ingest/rows.ts),
 * so a model has tokens when one of its rows does. What DuckDB would do after the aggregate (the
 * unpriced models made distinct and sorted, the quantiles taken out of their list, no row for no
 * rows) is done here: as a HAVING, an outer projection and list functions it cost 0.9 ms of the
 * query's 6.0 (p50, one tenant's closed day at 100 M spans; `list(DISTINCT …)` is a hash table).
 */
async function oneTenantAggregate(
  db: DuckDb,
  base: Sources,
  q: TenantListQuery,
): Promise<TenantAggregateRow[]> {
  if (q.offset > 0 || q.limit < 1) return [];
  const src = sources(base, `${COLUMNS}, run_ns`);
  const priced = Object.entries(q.prices);
  const params: Params = [];
  const perModel = priced.map(([model, p]) => {
    params.push(model, p.input, model, p.output);
    return `(sum(input_tokens) FILTER (WHERE model = ?) * ?::DOUBLE
      + sum(output_tokens) FILTER (WHERE model = ?) * ?::DOUBLE) / 1e6`;
  });
  const unpriced =
    priced.length === 0 ? '' : `AND model NOT IN (${priced.map(() => '?').join(', ')})`;
  params.push(...priced.map(([model]) => model));
  const [row] = await db.query(
    `SELECT any_value(tenant_id) AS tenant_id, count(*) AS n, sum(spans) AS a_spans,
       sum(runs) AS a_runs, sum(failed_runs) AS a_failed_runs, sum(llm_calls) AS a_llm_calls,
       sum(input_tokens) AS a_input_tokens, sum(output_tokens) AS a_output_tokens,
       sum(llm_ns) AS a_llm_ns, sum(tool_calls) AS a_tool_calls,
       sum(tool_errors) AS a_tool_errors, max(last_seen_ns) AS a_last_seen,
       ${perModel.length === 0 ? '0' : `coalesce(list_sum([${perModel.join(', ')}]), 0)`} AS a_cost,
       list(model) FILTER (WHERE model IS NOT NULL ${unpriced}
         AND input_tokens + output_tokens > 0) AS a_unpriced,
       list_aggregate(flatten(list(run_ns)), 'quantile_cont', [0.5, 0.95, 0.99]) AS run_q
     FROM (${src.sql})`,
    [...params, ...src.params],
  );
  if (row === undefined || Number(row.n) === 0) return [];
  setQuantiles(row, row.run_q);
  return [tenantAggregateFromColumns(row)];
}

export async function fleetTotals(
  db: DuckDb,
  scope: TenantScope,
  range: NsRange,
): Promise<FleetTotals> {
  const src = sources({ scope, range, covered: await rolledUp(db, range) }, COLUMNS);
  const [r] = await db.query(
    `SELECT count(DISTINCT tenant_id) AS a_tenants, coalesce(sum(runs), 0) AS a_runs,
       coalesce(sum(input_tokens), 0) AS a_input_tokens,
       coalesce(sum(output_tokens), 0) AS a_output_tokens, coalesce(sum(llm_ns), 0) AS a_llm_ns
     FROM (${src.sql})`,
    src.params,
  );
  return fleetTotalsFromColumns(r);
}
