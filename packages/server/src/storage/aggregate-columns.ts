import type { TenantWindowStats } from '../alerts/source.js';
import { big, type ColumnRow, num, numOrNull, strOrNull } from './columns.js';
import type { BucketRow, FleetTotals, RunRow, TenantAggregateRow } from './read-types.js';
import type { SpanRow } from './types.js';

/**
 * Aggregate result rows back to domain rows, for both engines. Each adapter computes the
 * aggregates its own way (DuckDB with FILTER, ClickHouse with -If combinators) but names them
 * alike, with an `a_` prefix because a ClickHouse alias equal to a column name would replace that
 * column everywhere in the query:
 * a_runs, a_failed_runs, a_p50, a_p95, a_p99 (run duration, ns), a_llm_calls, a_input_tokens,
 * a_output_tokens, a_llm_ns, a_tool_calls, a_tool_errors, a_cost, a_unpriced (model names).
 */
export function aggregateFromColumns(r: ColumnRow) {
  return {
    runs: num(r.a_runs),
    failedRuns: num(r.a_failed_runs),
    p50Ns: numOrNull(r.a_p50),
    p95Ns: numOrNull(r.a_p95),
    p99Ns: numOrNull(r.a_p99),
    llmCalls: num(r.a_llm_calls),
    inputTokens: num(r.a_input_tokens),
    outputTokens: num(r.a_output_tokens),
    llmTimeNs: num(r.a_llm_ns),
    toolCalls: num(r.a_tool_calls),
    toolErrors: num(r.a_tool_errors),
    costUsd: num(r.a_cost),
    unpricedModels: Array.isArray(r.a_unpriced)
      ? [...new Set(r.a_unpriced.map(String))].sort()
      : [],
  };
}

/** Plus tenant_id, a_spans and a_last_seen. */
export function tenantAggregateFromColumns(r: ColumnRow): TenantAggregateRow {
  return {
    tenantId: String(r.tenant_id),
    spans: num(r.a_spans),
    ...aggregateFromColumns(r),
    lastSeenNs: r.a_last_seen === null || r.a_last_seen === undefined ? null : big(r.a_last_seen),
  };
}

/** Plus a_bucket (ns) and a_llm_p95. */
export function bucketFromColumns(r: ColumnRow): BucketRow {
  return {
    bucket: Number(big(r.a_bucket) / 1_000_000n),
    ...aggregateFromColumns(r),
    llmP95Ns: numOrNull(r.a_llm_p95),
  };
}

/** a_tenants, a_runs, a_input_tokens, a_output_tokens, a_llm_ns. */
export function fleetTotalsFromColumns(r: ColumnRow | undefined): FleetTotals {
  return {
    tenants: num(r?.a_tenants),
    runs: num(r?.a_runs),
    inputTokens: num(r?.a_input_tokens),
    outputTokens: num(r?.a_output_tokens),
    llmTimeNs: num(r?.a_llm_ns),
  };
}

/** Plus tenant_id and a_example (a failed run's trace id). */
export function windowStatsFromColumns(r: ColumnRow): TenantWindowStats {
  const a = aggregateFromColumns(r);
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
    exampleFailedTraceId: strOrNull(r.a_example),
  };
}

/**
 * A page of run roots joined with their children's aggregates (tenant_id, trace_id, a_llm_calls,
 * a_input_tokens, a_output_tokens, a_tool_calls, a_tool_errors, a_first_error), matched by tenant
 * and trace id so a trace-key collision in the query cannot mix runs.
 */
export function runRowsFromColumns(roots: SpanRow[], aggs: ColumnRow[]): RunRow[] {
  const byKey = new Map(aggs.map((a) => [`${a.tenant_id}\u0000${a.trace_id}`, a]));
  return roots.map((span) => {
    const a = byKey.get(`${span.tenantId}\u0000${span.traceId}`);
    return {
      span,
      llmCalls: num(a?.a_llm_calls),
      inputTokens: num(a?.a_input_tokens),
      outputTokens: num(a?.a_output_tokens),
      toolCalls: num(a?.a_tool_calls),
      toolErrors: num(a?.a_tool_errors),
      firstError: strOrNull(a?.a_first_error),
    };
  });
}
