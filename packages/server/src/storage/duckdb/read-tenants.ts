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

/** The aggregate columns of the overview, the timeseries and the alert windows. */
const AGGREGATES = `
  count(*) FILTER (WHERE is_run) AS runs,
  count(*) FILTER (WHERE is_run AND status_code = 2) AS failed_runs,
  quantile_cont(duration_ns, [0.5, 0.95, 0.99]) FILTER (WHERE is_run) AS run_q,
  count(*) FILTER (WHERE ${IS_LLM}) AS llm_calls,
  coalesce(sum(input_tokens) FILTER (WHERE ${IS_LLM}), 0) AS input_tokens,
  coalesce(sum(output_tokens) FILTER (WHERE ${IS_LLM}), 0) AS output_tokens,
  coalesce(sum(duration_ns) FILTER (WHERE ${IS_LLM}), 0) AS llm_ns,
  count(*) FILTER (WHERE ${IS_TOOL}) AS tool_calls,
  count(*) FILTER (WHERE ${IS_TOOL} AND status_code = 2) AS tool_errors`;

const COST = `
  coalesce(sum((coalesce(input_tokens, 0) * p_in + coalesce(output_tokens, 0) * p_out) / 1e6)
    FILTER (WHERE ${IS_LLM} AND p_model IS NOT NULL), 0) AS cost,
  list(DISTINCT model) FILTER (WHERE ${IS_LLM} AND p_model IS NULL AND model IS NOT NULL
    AND (coalesce(input_tokens, 0) + coalesce(output_tokens, 0)) > 0) AS unpriced`;

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
  const rows = await db.query(
    `SELECT tenant_id, count(*) AS spans, ${AGGREGATES}, ${COST}, max(end_ns) AS last_seen
     FROM spans LEFT JOIN ${prices.sql} AS prices ON spans.model = prices.p_model
     ${where.sql}
     GROUP BY tenant_id
     ORDER BY ${SORT_SQL[q.sort]} ${dir} NULLS LAST, tenant_id
     LIMIT ${q.limit} OFFSET ${q.offset}`,
    [...prices.params, ...where.params],
  );
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
       coalesce(sum(input_tokens) FILTER (WHERE ${IS_LLM}), 0) AS input_tokens,
       coalesce(sum(output_tokens) FILTER (WHERE ${IS_LLM}), 0) AS output_tokens,
       coalesce(sum(duration_ns) FILTER (WHERE ${IS_LLM}), 0) AS llm_ns
     FROM spans ${where.sql}`,
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
    `SELECT (start_ns // ?) * ? AS bucket, ${AGGREGATES}, ${COST},
       quantile_cont(duration_ns, 0.95) FILTER (WHERE ${IS_LLM}) AS llm_p95
     FROM spans LEFT JOIN ${prices.sql} AS prices ON spans.model = prices.p_model
     WHERE tenant_id = ? AND start_ns >= ? AND start_ns < ?
     GROUP BY bucket ORDER BY bucket`,
    [stepNs, stepNs, ...prices.params, tenantId, range.fromNs, range.toNs],
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
       arg_max(trace_id, start_ns) FILTER (WHERE is_run AND status_code = 2) AS example_trace
     FROM spans ${where.sql} GROUP BY tenant_id`,
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
