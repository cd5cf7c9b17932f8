import type { TenantWindowStats } from '../../alerts/source.js';
import type {
  BucketRow,
  FleetTotals,
  NsRange,
  PriceTable,
  TenantAggregateRow,
  TenantListQuery,
  TenantSort,
} from '../read-types.js';
import type { TenantScope } from '../types.js';
import { big, type DuckDb, num, numOrNull, type Params, type Row, strOrNull } from './database.js';
import { IS_LLM, IS_TOOL, likePattern, Where } from './rows.js';

function pricesTable(prices: PriceTable): { sql: string; params: Params } {
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

/** The aggregate columns of the overview, the timeseries and the alert windows. */
const AGGREGATES = `
  count(*) FILTER (WHERE is_run) AS runs,
  count(*) FILTER (WHERE is_run AND status_code = 2) AS failed_runs,
  count(*) FILTER (WHERE is_llm) AS llm_calls,
  coalesce(sum(input_tokens) FILTER (WHERE is_llm), 0) AS input_tokens,
  coalesce(sum(output_tokens) FILTER (WHERE is_llm), 0) AS output_tokens,
  coalesce(sum(duration_ns) FILTER (WHERE is_llm), 0) AS llm_ns,
  count(*) FILTER (WHERE is_tool) AS tool_calls,
  count(*) FILTER (WHERE is_tool AND status_code = 2) AS tool_errors`;

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

const SORT_SQL: Record<TenantSort, string> = {
  tenant: 'tenant_id',
  runs: 'runs',
  failure_rate: 'failed_runs / nullif(runs, 0)',
  p95: 'run_q[2]',
  tokens: 'input_tokens + output_tokens',
  cost: 'cost',
  tool_error_rate: 'tool_errors / nullif(tool_calls, 0)',
  last_seen: 'last_seen',
};

function quantiles(v: unknown): [number | null, number | null, number | null] {
  if (!Array.isArray(v)) return [null, null, null];
  return [numOrNull(v[0]), numOrNull(v[1]), numOrNull(v[2])];
}

function aggregateFields(r: Row) {
  const [p50, p95, p99] = quantiles(r.run_q);
  return {
    runs: num(r.runs),
    failedRuns: num(r.failed_runs),
    p50Ns: p50,
    p95Ns: p95,
    p99Ns: p99,
    llmCalls: num(r.llm_calls),
    inputTokens: num(r.input_tokens),
    outputTokens: num(r.output_tokens),
    llmTimeNs: num(r.llm_ns),
    toolCalls: num(r.tool_calls),
    toolErrors: num(r.tool_errors),
    costUsd: num(r.cost),
    unpricedModels: Array.isArray(r.unpriced) ? r.unpriced.map(String).sort() : [],
  };
}

export async function tenantAggregates(
  db: DuckDb,
  scope: TenantScope,
  q: TenantListQuery,
): Promise<TenantAggregateRow[]> {
  const where = new Where()
    .scope(scope.tenantId)
    .add('start_ns >= ?', q.range.fromNs)
    .add('start_ns < ?', q.range.toNs);
  if (q.q) where.add(`tenant_id ILIKE ? ESCAPE '\\'`, likePattern(q.q));
  const prices = pricesTable(q.prices);
  const dir = q.order === 'asc' ? 'ASC' : 'DESC';
  const byP95 = q.sort === 'p95';
  const rows = await db.query(
    `WITH s AS ${FLAGGED(where.sql)},
     agg AS (SELECT tenant_id, count(*) AS spans, ${AGGREGATES}, max(end_ns) AS last_seen
             FROM s GROUP BY tenant_id),
     ${costCte('tenant_id', prices.sql)}
     SELECT agg.*, ${byP95 ? 'run_q.run_q' : 'NULL AS run_q'}, coalesce(cost.cost, 0) AS cost,
       cost.unpriced
     FROM agg ${byP95 ? 'LEFT JOIN run_q USING (tenant_id)' : ''} LEFT JOIN cost USING (tenant_id)
     ORDER BY ${SORT_SQL[q.sort]} ${dir} NULLS LAST, tenant_id
     LIMIT ${q.limit} OFFSET ${q.offset}`,
    [...where.params, ...prices.params],
  );
  if (!byP95 && rows.length > 0) {
    // Quantiles need each run's duration: compute them for the page's tenants only.
    const ids = rows.map((r) => String(r.tenant_id));
    const qWhere = new Where()
      .add('is_run')
      .add('start_ns >= ?', q.range.fromNs)
      .add('start_ns < ?', q.range.toNs)
      .add(`tenant_id IN (${ids.map(() => '?').join(', ')})`, ...ids);
    const quantileRows = await db.query(
      `SELECT tenant_id, quantile_cont(duration_ns, [0.5, 0.95, 0.99]) AS run_q
       FROM spans ${qWhere.sql} GROUP BY tenant_id`,
      qWhere.params,
    );
    const byTenant = new Map(quantileRows.map((r) => [String(r.tenant_id), r.run_q]));
    for (const r of rows) r.run_q = byTenant.get(String(r.tenant_id)) ?? null;
  }
  return rows.map((r) => ({
    tenantId: String(r.tenant_id),
    spans: num(r.spans),
    ...aggregateFields(r),
    lastSeenNs: r.last_seen === null ? null : big(r.last_seen),
  }));
}

export async function fleetTotals(
  db: DuckDb,
  scope: TenantScope,
  range: NsRange,
): Promise<FleetTotals> {
  const where = new Where()
    .scope(scope.tenantId)
    .add('start_ns >= ?', range.fromNs)
    .add('start_ns < ?', range.toNs);
  const [r] = await db.query(
    `SELECT count(DISTINCT tenant_id) AS tenants,
       count(*) FILTER (WHERE is_run) AS runs,
       coalesce(sum(input_tokens) FILTER (WHERE is_llm), 0) AS input_tokens,
       coalesce(sum(output_tokens) FILTER (WHERE is_llm), 0) AS output_tokens,
       coalesce(sum(duration_ns) FILTER (WHERE is_llm), 0) AS llm_ns
     FROM ${FLAGGED(where.sql)}`,
    where.params,
  );
  return {
    tenants: num(r?.tenants),
    runs: num(r?.runs),
    inputTokens: num(r?.input_tokens),
    outputTokens: num(r?.output_tokens),
    llmTimeNs: num(r?.llm_ns),
  };
}

export async function tenantBuckets(
  db: DuckDb,
  tenantId: string,
  range: NsRange,
  stepNs: bigint,
  priceTable: PriceTable,
): Promise<BucketRow[]> {
  const prices = pricesTable(priceTable);
  const rows = await db.query(
    `WITH s AS (SELECT (start_ns // ?) * ? AS bucket, *
                FROM ${FLAGGED('WHERE tenant_id = ? AND start_ns >= ? AND start_ns < ?')}),
     agg AS (SELECT bucket, ${AGGREGATES},
               quantile_cont(duration_ns, 0.95) FILTER (WHERE is_llm) AS llm_p95
             FROM s GROUP BY bucket),
     ${costCte('bucket', prices.sql)}
     SELECT agg.*, run_q.run_q, coalesce(cost.cost, 0) AS cost, cost.unpriced
     FROM agg LEFT JOIN run_q USING (bucket) LEFT JOIN cost USING (bucket) ORDER BY bucket`,
    [stepNs, stepNs, tenantId, range.fromNs, range.toNs, ...prices.params],
  );
  return rows.map((r) => ({
    bucket: Number(big(r.bucket) / 1_000_000n),
    ...aggregateFields(r),
    llmP95Ns: numOrNull(r.llm_p95),
  }));
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
    `SELECT tenant_id, ${AGGREGATES},
       quantile_cont(duration_ns, [0.5, 0.95, 0.99]) FILTER (WHERE is_run) AS run_q,
       arg_max(trace_id, start_ns) FILTER (WHERE is_run AND status_code = 2) AS example_trace
     FROM ${FLAGGED(where.sql)} GROUP BY tenant_id`,
    where.params,
  );
  return rows.map((r) => {
    const a = aggregateFields({ ...r, cost: 0, unpriced: [] });
    const ms = (v: number | null) => (v === null ? null : v / 1e6);
    return {
      tenantId: String(r.tenant_id),
      runs: a.runs,
      failedRuns: a.failedRuns,
      runLatencyMs: { p50: ms(a.p50Ns), p95: ms(a.p95Ns), p99: ms(a.p99Ns) },
      toolCalls: a.toolCalls,
      toolErrors: a.toolErrors,
      llmCalls: a.llmCalls,
      inputTokens: a.inputTokens,
      outputTokens: a.outputTokens,
      exampleFailedTraceId: strOrNull(r.example_trace),
    };
  });
}
