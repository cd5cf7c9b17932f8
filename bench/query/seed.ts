import type { DuckDb } from '../../packages/server/src/storage/duckdb/database.js';

/**
 * How tenant ids look: `prefixed` (`tenant-0042`: all alike in the first 8 bytes, the only part of
 * a string DuckDB's zone maps keep, which is why rows are sorted and pruned on tenant_key instead)
 * or `uuid` (random UUIDs).
 */
export type TenantIdFormat = 'uuid' | 'prefixed';

/**
 * Seeds `spans` runs of 5 spans (agent root, 2 LLM calls, 2 tool calls) over `tenants` tenants and
 * `days` days ending at `endMs`. Tenant sizes are skewed (a few giants, a long tail) like a real
 * fleet. Rows are generated inside DuckDB so 10 million spans seed in seconds, not hours.
 */
export async function seedSpans(
  db: DuckDb,
  opts: { spans: number; tenants: number; days: number; endMs: number; ids?: TenantIdFormat },
): Promise<void> {
  const runs = Math.floor(opts.spans / 5);
  const spanNs = BigInt(opts.days) * 86_400_000_000_000n;
  const startNs = BigInt(opts.endMs) * 1_000_000n - spanNs;
  const n = `CAST(floor(${opts.tenants} * pow((hash(i) % 1000003) / 1000003.0, 3)) AS INTEGER)`;
  const tenantId =
    opts.ids === 'prefixed'
      ? `'tenant-' || lpad(CAST(${n} AS VARCHAR), 4, '0')`
      : `CAST(CAST(md5('tenant-' || ${n}) AS UUID) AS VARCHAR)`;
  await db.exec(`
    INSERT INTO spans
    WITH r AS (
      SELECT i,
        ${tenantId} AS tenant_id,
        md5(CAST(i AS VARCHAR)) AS trace_id,
        ${startNs} + CAST((hash(i * 31) % ${spanNs}) AS BIGINT) AS t0,
        CAST(200 + (hash(i * 17) % 4000) AS BIGINT) * 1000000 AS run_ns,
        (hash(i * 13) % 100) < 4 AS failed,
        ['gpt-4o', 'gpt-4o-mini', 'claude-sonnet-4'][1 + CAST(hash(i * 7) % 3 AS INTEGER)] AS model
      FROM range(${runs}) t(i)
    )
    SELECT tenant_id, trace_id,
      substr(md5(trace_id || k), 1, 16) AS span_id,
      CASE WHEN k = 0 THEN '' ELSE substr(md5(trace_id || 0), 1, 16) END AS parent_span_id,
      CASE k WHEN 0 THEN 'invoke_agent support' WHEN 1 THEN 'chat ' || model WHEN 2 THEN 'chat ' || model
        WHEN 3 THEN 'execute_tool search_web' ELSE 'execute_tool get_account_data' END AS name,
      CASE WHEN k IN (1, 2) THEN 3 ELSE 1 END AS kind,
      t0 + k * 1000000 AS start_ns,
      t0 + CASE WHEN k = 0 THEN run_ns ELSE run_ns / 5 + k * 1000000 END AS end_ns,
      CASE WHEN k = 0 THEN run_ns ELSE run_ns / 5 END AS duration_ns,
      CASE WHEN failed AND k IN (0, 4) THEN 2 ELSE 0 END AS status_code,
      CASE WHEN failed AND k IN (0, 4) THEN 'stale account data' ELSE '' END AS status_message,
      'agent-gateway', 'tenantry', 'support-v1', 'support',
      CASE k WHEN 0 THEN 'invoke_agent' WHEN 1 THEN 'chat' WHEN 2 THEN 'chat' ELSE 'execute_tool' END AS operation,
      CASE WHEN k IN (1, 2) THEN model END AS model,
      CASE WHEN k IN (1, 2) THEN 'openai' END AS provider,
      CASE WHEN k IN (1, 2) THEN 500 + hash(i * k) % 3000 END AS input_tokens,
      CASE WHEN k IN (1, 2) THEN 50 + hash(i * k + 1) % 400 END AS output_tokens,
      CASE k WHEN 3 THEN 'search_web' WHEN 4 THEN 'get_account_data' END AS tool_name,
      CASE WHEN failed AND k IN (0, 4) THEN 'StaleDataError' END AS error_type,
      k = 0 AS is_run,
      'user-' || (hash(i) % 5000) AS user_id,
      NULL AS conversation_id,
      '{"gen_ai.operation.name":"chat"}' AS attributes,
      '{"service.name":"agent-gateway"}' AS resource_attributes,
      '[]' AS events, '[]' AS links,
      k IN (1, 2) AS is_llm, k IN (3, 4) AS is_tool,
      CAST('0x' || substr(trace_id, 1, 16) AS UBIGINT) AS trace_key,
      md5_number_upper(tenant_id) AS tenant_key
    FROM r, range(5) k(k)
    -- Telemetry arrives in time order, so rows are stored in time order (as ingest stores them).
    ORDER BY start_ns`);
}
