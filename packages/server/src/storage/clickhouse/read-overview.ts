import { fleetTotalsFromColumns, tenantAggregateFromColumns } from '../aggregate-columns.js';
import type {
  FleetTotals,
  NsRange,
  PriceTable,
  TenantAggregateRow,
  TenantListQuery,
  TenantSort,
} from '../read-types.js';
import type { TenantScope } from '../types.js';
import type { ChConnection } from './client.js';
import { recordedBuildOf, withRolledUpHours } from './rollup-hours.js';
import { quantileOfSorted } from './rows.js';
import { containsCi, limit, lit, Where } from './sql.js';
import { COLUMNS, HOUR_NS, rollupColumns } from './tenant-rollup.js';

/**
 * The tenants overview and fleet totals, as on DuckDB (storage/duckdb/read-overview.ts): rollup
 * rows of the recorded build for the range's rolled-up whole hours, `spans FINAL` grouped the same
 * way for the rest, summed per (tenant, model) and then per tenant. Both paths price the tokens
 * summed per model and take quantiles over the runs' durations, so they give the same numbers.
 */

/** [from, to) minus the rolled-up hours: where spans are scanned. */
function gaps(range: NsRange, hours: bigint[]): Array<[bigint, bigint]> {
  const out: Array<[bigint, bigint]> = [];
  let from = range.fromNs;
  for (const h of hours) {
    if (h > from) out.push([from, h]);
    from = h + HOUR_NS;
  }
  if (range.toNs > from) out.push([from, range.toNs]);
  return out;
}

/**
 * Rollup-shaped rows of `range` in `scope` (and tenant names containing `q`), and whether any
 * come from the rollup (else every row is a scan of spans).
 */
function sources(
  ch: ChConnection,
  scope: TenantScope,
  range: NsRange,
  q: string | undefined,
  hours: bigint[],
): { sql: string; rolledUp: boolean } {
  const db = ch.database;
  const branches: string[] = [];
  if (hours.length > 0) {
    const w = new Where(scope).add(recordedBuildOf(ch, hours));
    if (q) w.add(containsCi('tenant_id', q));
    branches.push(`SELECT ${COLUMNS} FROM ${db}.tenant_hours ${w.sql}`);
  }
  for (const [s, e] of gaps(range, hours)) {
    const w = new Where(scope).add(`start_ns >= ${lit(s)}`).add(`start_ns < ${lit(e)}`);
    if (q) w.add(containsCi('tenant_id', q));
    branches.push(
      `SELECT ${COLUMNS} FROM (SELECT ${rollupColumns('toInt64(0)')} FROM ${db}.spans FINAL
         ${w.sql} GROUP BY hour, tenant_id, has_model, model_key)`,
    );
  }
  if (branches.length === 0) branches.push(`SELECT ${COLUMNS} FROM ${db}.tenant_hours WHERE 0`);
  return { sql: branches.join(' UNION ALL '), rolledUp: hours.length > 0 };
}

/** Cost of the per-model token sums m_in / m_out, by price look-up in literal arrays. */
function cost(prices: PriceTable): string {
  const entries = Object.entries(prices);
  const tokens = 'm_in + m_out > 0';
  if (entries.length === 0) {
    return `toFloat64(0) AS a_cost, groupUniqArrayIf(model_key, has_model = 1 AND ${tokens}) AS a_unpriced`;
  }
  const models = `[${entries.map(([m]) => lit(m)).join(', ')}]`;
  const ins = `[${entries.map(([, p]) => `toFloat64(${lit(p.input)})`).join(', ')}]`;
  const outs = `[${entries.map(([, p]) => `toFloat64(${lit(p.output)})`).join(', ')}]`;
  const idx = `indexOf(${models}, model_key)`;
  return `sumIf((m_in * arrayElement(${ins}, ${idx}) + m_out * arrayElement(${outs}, ${idx})) / 1e6,
      has_model = 1 AND ${idx} > 0) AS a_cost,
    groupUniqArrayIf(model_key, has_model = 1 AND ${idx} = 0 AND ${tokens}) AS a_unpriced`;
}

const SORT_SQL: Record<TenantSort, string> = {
  tenant: 'tenant_id',
  runs: 'a_runs',
  failure_rate: 'a_failed_runs / nullIf(a_runs, 0)',
  p95: 'a_p95',
  tokens: 'a_input_tokens + a_output_tokens',
  cost: 'a_cost',
  tool_error_rate: 'a_tool_errors / nullIf(a_tool_calls, 0)',
  last_seen: 'a_last_seen',
};

/** p50/p95/p99 of the sorted durations `arr`, as a_p50, a_p95, a_p99. */
const quantiles = (arr: string) =>
  `${quantileOfSorted(arr, 0.5)} AS a_p50, ${quantileOfSorted(arr, 0.95)} AS a_p95,
   ${quantileOfSorted(arr, 0.99)} AS a_p99`;

export async function tenantAggregates(
  ch: ChConnection,
  scope: TenantScope,
  q: TenantListQuery,
): Promise<TenantAggregateRow[]> {
  // The sources of the read that answered (withRolledUpHours may run it twice).
  let src = '';
  const dir = q.order === 'asc' ? 'ASC' : 'DESC';
  // Quantiles need every run's duration sorted: unless the page is sorted by them, they are
  // computed for the page's tenants only, in a second query (a day's 330 k runs of 1,000 tenants
  // against the page's), as on DuckDB. A range with no rolled-up hour (the last hour, say) is all
  // a scan of spans FINAL: reading it once, with every tenant's quantiles, costs less than twice.
  // A tenant-bound scope is a page of one: its quantiles cost nothing more in the one query.
  let inline = true;
  const rows = await withRolledUpHours(ch, q.range, (hours, check) => {
    const read = sources(ch, scope, q.range, q.q, hours);
    src = read.sql;
    inline = q.sort === 'p95' || !read.rolledUp || scope.tenantId !== null;
    return ch.query(
      `SELECT tenant_id, ${check} AS hours_fp, sum(m_spans) AS a_spans, sum(m_runs) AS a_runs,
         sum(m_failed_runs) AS a_failed_runs, sum(m_llm_calls) AS a_llm_calls,
         sum(m_in) AS a_input_tokens, sum(m_out) AS a_output_tokens, sum(m_llm_ns) AS a_llm_ns,
         sum(m_tool_calls) AS a_tool_calls, sum(m_tool_errors) AS a_tool_errors,
         max(m_last_seen) AS a_last_seen, ${cost(q.prices)},
         ${inline ? quantiles('arraySort(groupArrayArray(m_run_ns))') : 'NULL AS a_p50, NULL AS a_p95, NULL AS a_p99'}
       FROM (
         SELECT tenant_id, has_model, model_key, sum(spans) AS m_spans, sum(runs) AS m_runs,
           sum(failed_runs) AS m_failed_runs, sum(llm_calls) AS m_llm_calls, sum(in_tokens) AS m_in,
           sum(out_tokens) AS m_out, sum(llm_ns) AS m_llm_ns, sum(tool_calls) AS m_tool_calls,
           sum(tool_errors) AS m_tool_errors, max(last_seen_ns) AS m_last_seen,
           groupArrayArray(run_ns) AS m_run_ns
         FROM (${src}) GROUP BY tenant_id, has_model, model_key)
       GROUP BY tenant_id
       ORDER BY ${SORT_SQL[q.sort]} ${dir} NULLS LAST, tenant_id
       ${limit(q.limit, q.offset)}`,
      ch.finalSettings,
    );
  });
  if (!inline && rows.length > 0) {
    const page = rows.map((r) => String(r.tenant_id));
    const found = await ch.query(
      `SELECT tenant_id, ${quantiles('arraySort(groupArrayArray(run_ns))')}
       FROM (${src}) WHERE tenant_id IN (${page.map(lit).join(', ')}) GROUP BY tenant_id`,
      ch.finalSettings,
    );
    const byTenant = new Map(found.map((r) => [String(r.tenant_id), r]));
    for (const r of rows) {
      const f = byTenant.get(String(r.tenant_id));
      if (f) [r.a_p50, r.a_p95, r.a_p99] = [f.a_p50, f.a_p95, f.a_p99];
    }
  }
  return rows.map(tenantAggregateFromColumns);
}

export async function fleetTotals(
  ch: ChConnection,
  scope: TenantScope,
  range: NsRange,
): Promise<FleetTotals> {
  const [r] = await withRolledUpHours(ch, range, (hours, check) =>
    ch.query(
      `SELECT uniqExact(tenant_id) AS a_tenants, sum(runs) AS a_runs,
         sum(in_tokens) AS a_input_tokens, sum(out_tokens) AS a_output_tokens,
         sum(llm_ns) AS a_llm_ns, ${check} AS hours_fp
       FROM (${sources(ch, scope, range, undefined, hours).sql})`,
      ch.finalSettings,
    ),
  );
  return fleetTotalsFromColumns(r);
}
