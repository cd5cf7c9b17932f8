import type { TenantWindowStats } from '../../alerts/source.js';
import { bucketFromColumns, windowStatsFromColumns } from '../aggregate-columns.js';
import type { BucketRow, NsRange, PriceTable } from '../read-types.js';
import type { ChConnection } from './client.js';
import { IS_LLM, IS_TOOL, quantileOfSorted } from './rows.js';
import { ALL_TENANTS, lit, Where } from './sql.js';

/**
 * Per-tenant aggregates, the same definitions and `a_` names as the DuckDB adapter (see
 * aggregate-columns.ts). Quantiles interpolate over the sorted durations exactly like DuckDB's
 * quantile_cont.
 */
// Repeated verbatim rather than aliased so the array is not returned; ClickHouse computes
// identical expressions once.
const RUN_DURATIONS = 'arraySort(groupArrayIf(duration_ns, is_run = 1))';

const AGGREGATES = `
  countIf(is_run = 1) AS a_runs,
  countIf(is_run = 1 AND status_code = 2) AS a_failed_runs,
  ${quantileOfSorted(RUN_DURATIONS, 0.5)} AS a_p50,
  ${quantileOfSorted(RUN_DURATIONS, 0.95)} AS a_p95,
  ${quantileOfSorted(RUN_DURATIONS, 0.99)} AS a_p99,
  countIf(${IS_LLM}) AS a_llm_calls,
  sumIf(ifNull(input_tokens, 0), ${IS_LLM}) AS a_input_tokens,
  sumIf(ifNull(output_tokens, 0), ${IS_LLM}) AS a_output_tokens,
  sumIf(duration_ns, ${IS_LLM}) AS a_llm_ns,
  countIf(${IS_TOOL}) AS a_tool_calls,
  countIf(${IS_TOOL} AND status_code = 2) AS a_tool_errors`;

/** Cost by price look-up in literal arrays (no join, so it runs the same on a Distributed table). */
function costColumns(prices: PriceTable): string {
  const entries = Object.entries(prices);
  const tokens = '(ifNull(input_tokens, 0) + ifNull(output_tokens, 0)) > 0';
  if (entries.length === 0) {
    return `toFloat64(0) AS a_cost,
      groupUniqArrayIf(ifNull(model, ''), ${IS_LLM} AND isNotNull(model) AND ${tokens}) AS a_unpriced`;
  }
  const models = `[${entries.map(([m]) => lit(m)).join(', ')}]`;
  const ins = `[${entries.map(([, p]) => `toFloat64(${lit(p.input)})`).join(', ')}]`;
  const outs = `[${entries.map(([, p]) => `toFloat64(${lit(p.output)})`).join(', ')}]`;
  const idx = `indexOf(${models}, ifNull(model, ''))`;
  return `sumIf((ifNull(input_tokens, 0) * arrayElement(${ins}, ${idx})
      + ifNull(output_tokens, 0) * arrayElement(${outs}, ${idx})) / 1e6,
      ${IS_LLM} AND isNotNull(model) AND ${idx} > 0) AS a_cost,
    groupUniqArrayIf(ifNull(model, ''), ${IS_LLM} AND isNotNull(model) AND ${idx} = 0 AND ${tokens}) AS a_unpriced`;
}

export async function tenantBuckets(
  ch: ChConnection,
  tenantId: string,
  range: NsRange,
  stepNs: bigint,
  prices: PriceTable,
): Promise<BucketRow[]> {
  const where = new Where({ tenantId })
    .add('start_ns >= ?', range.fromNs)
    .add('start_ns < ?', range.toNs);
  const step = lit(stepNs);
  const rows = await ch.query(
    `SELECT intDiv(start_ns, ${step}) * ${step} AS a_bucket, ${AGGREGATES}, ${costColumns(prices)},
       ${quantileOfSorted(`arraySort(groupArrayIf(duration_ns, ${IS_LLM}))`, 0.95)} AS a_llm_p95
     FROM ${ch.database}.spans FINAL ${where.sql}
     GROUP BY a_bucket ORDER BY a_bucket`,
    ch.finalSettings,
  );
  return rows.map(bucketFromColumns);
}

export async function windowStats(
  ch: ChConnection,
  fromMs: number,
  toMs: number,
  tenantIds?: readonly string[],
): Promise<TenantWindowStats[]> {
  // The alert engine evaluates the whole fleet: deliberately all tenants, narrowed when asked.
  const where = new Where(ALL_TENANTS)
    .add('start_ns >= ?', BigInt(fromMs) * 1_000_000n)
    .add('start_ns < ?', BigInt(toMs) * 1_000_000n);
  if (tenantIds && tenantIds.length > 0) {
    where.add(`tenant_id IN (${tenantIds.map(() => '?').join(', ')})`, ...tenantIds);
  }
  const failedRun = 'is_run = 1 AND status_code = 2';
  const rows = await ch.query(
    `SELECT tenant_id, ${AGGREGATES},
       if(countIf(${failedRun}) = 0, NULL, argMaxIf(trace_id, start_ns, ${failedRun})) AS a_example
     FROM ${ch.database}.spans FINAL ${where.sql} GROUP BY tenant_id`,
    ch.finalSettings,
  );
  return rows.map(windowStatsFromColumns);
}
