import type { TenantWindowStats } from '../../alerts/source.js';
import { bucketFromColumns, windowStatsFromColumns } from '../aggregate-columns.js';
import type { BucketRow, NsRange, PriceTable } from '../read-types.js';
import type { DuckDb, Params } from './database.js';
import { IS_LLM, IS_TOOL, Where } from './rows.js';

export function pricesTable(prices: PriceTable): { sql: string; params: Params } {
  const entries = Object.entries(prices);
  if (entries.length === 0) {
    return {
      sql: '(SELECT NULL::VARCHAR AS p_model, NULL::DOUBLE AS p_in, NULL::DOUBLE AS p_out WHERE false)',
      params: [],
    };
  }
  return {
    sql: `(SELECT * FROM (VALUES ${entries.map(() => '(?::VARCHAR, ?::DOUBLE, ?::DOUBLE)').join(', ')}) AS t(p_model, p_in, p_out))`,
    params: entries.flatMap(([model, p]) => [model, p.input, p.output]),
  };
}

/** Span classification, computed once per row instead of once per aggregate. */
const FLAGGED = (where: string) => `(
  SELECT tenant_id, trace_id, start_ns, end_ns, duration_ns, status_code, is_run, model,
    input_tokens, output_tokens, ${IS_LLM} AS is_llm, ${IS_TOOL} AS is_tool
  FROM spans ${where})`;

/**
 * The aggregate columns of the overview, the timeseries and the alert windows, named as
 * aggregate-columns.ts reads them for both engines.
 */
const AGGREGATES = `
  count(*) FILTER (WHERE is_run) AS a_runs,
  count(*) FILTER (WHERE is_run AND status_code = 2) AS a_failed_runs,
  count(*) FILTER (WHERE is_llm) AS a_llm_calls,
  coalesce(sum(input_tokens) FILTER (WHERE is_llm), 0) AS a_input_tokens,
  coalesce(sum(output_tokens) FILTER (WHERE is_llm), 0) AS a_output_tokens,
  coalesce(sum(duration_ns) FILTER (WHERE is_llm), 0) AS a_llm_ns,
  count(*) FILTER (WHERE is_tool) AS a_tool_calls,
  count(*) FILTER (WHERE is_tool AND status_code = 2) AS a_tool_errors`;

/** run_q, quantile_cont's [p50, p95, p99] list, as the a_p50/a_p95/a_p99 columns. */
const RUN_QUANTILES = 'run_q[1] AS a_p50, run_q[2] AS a_p95, run_q[3] AS a_p99';

/**
 * Cost per group key: tokens are first summed per (key, model), a few rows, and only those meet
 * the price table. Models with tokens and no price are listed, never priced at zero.
 */
function costCte(key: string, prices: string): string {
  return `run_q AS (
      SELECT ${key}, quantile_cont(duration_ns, [0.5, 0.95, 0.99]) AS run_q
      FROM s WHERE is_run GROUP BY ${key}),
    by_model AS (
      SELECT ${key}, model, sum(coalesce(input_tokens, 0)) AS i, sum(coalesce(output_tokens, 0)) AS o
      FROM s WHERE is_llm AND model IS NOT NULL GROUP BY ALL),
    cost AS (
      SELECT ${key},
        coalesce(sum((i * p_in + o * p_out) / 1e6) FILTER (WHERE p_model IS NOT NULL), 0) AS cost,
        list(model ORDER BY model) FILTER (WHERE p_model IS NULL AND i + o > 0) AS unpriced
      FROM by_model LEFT JOIN ${prices} AS prices ON by_model.model = prices.p_model
      GROUP BY ${key})`;
}

export async function tenantBuckets(
  db: DuckDb,
  tenantId: string,
  range: NsRange,
  stepNs: bigint,
  priceTable: PriceTable,
): Promise<BucketRow[]> {
  const prices = pricesTable(priceTable);
  const where = new Where()
    .scope(tenantId)
    .add('start_ns >= ?', range.fromNs)
    .add('start_ns < ?', range.toNs);
  const rows = await db.query(
    `WITH s AS (SELECT (start_ns // ?) * ? AS bucket, *
                FROM ${FLAGGED(where.sql)}),
     agg AS (SELECT bucket, ${AGGREGATES},
               quantile_cont(duration_ns, 0.95) FILTER (WHERE is_llm) AS a_llm_p95
             FROM s GROUP BY bucket),
     ${costCte('bucket', prices.sql)}
     SELECT agg.*, bucket AS a_bucket, ${RUN_QUANTILES}, coalesce(cost.cost, 0) AS a_cost,
       cost.unpriced AS a_unpriced
     FROM agg LEFT JOIN run_q USING (bucket) LEFT JOIN cost USING (bucket) ORDER BY bucket`,
    [stepNs, stepNs, ...where.params, ...prices.params],
  );
  return rows.map(bucketFromColumns);
}

export async function windowStats(
  db: DuckDb,
  fromMs: number,
  toMs: number,
  tenantIds?: readonly string[],
): Promise<TenantWindowStats[]> {
  const where = new Where()
    .add('start_ns >= ?', BigInt(fromMs) * 1_000_000n)
    .add('start_ns < ?', BigInt(toMs) * 1_000_000n);
  if (tenantIds && tenantIds.length > 0) {
    where.add(`tenant_id IN (${tenantIds.map(() => '?').join(', ')})`, ...tenantIds);
  }
  const rows = await db.query(
    `SELECT *, ${RUN_QUANTILES} FROM (
       SELECT tenant_id, ${AGGREGATES},
         quantile_cont(duration_ns, [0.5, 0.95, 0.99]) FILTER (WHERE is_run) AS run_q,
         arg_max(trace_id, start_ns) FILTER (WHERE is_run AND status_code = 2) AS a_example
       FROM ${FLAGGED(where.sql)} GROUP BY tenant_id)`,
    where.params,
  );
  return rows.map(windowStatsFromColumns);
}
