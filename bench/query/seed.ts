import type { ChConnection } from '../../packages/server/src/storage/clickhouse/client.js';
import type { DuckDb } from '../../packages/server/src/storage/duckdb/database.js';

/**
 * How tenant ids look: `prefixed` (`tenant-0042`: all alike in the first 8 bytes, the only part of
 * a string DuckDB's zone maps keep, which is why rows are sorted and pruned on tenant_key instead)
 * or `uuid` (random UUIDs).
 */
export type TenantIdFormat = 'uuid' | 'prefixed';

export interface Fleet {
  spans: number;
  tenants: number;
  days: number;
  endMs: number;
  ids?: TenantIdFormat;
}

/**
 * The SQL that differs between the engines. Everything else is integer arithmetic small enough for
 * a signed 64-bit integer, so DuckDB and ClickHouse (18.16 and current) generate the very same rows
 * from the same run numbers: the engines are compared on identical data.
 */
interface Dialect {
  md5hex(x: string): string;
  idiv(a: string, b: string): string;
  str(x: string): string;
}

const DUCK: Dialect = {
  md5hex: (x) => `md5(${x})`,
  idiv: (a, b) => `(${a}) // (${b})`,
  str: (x) => `CAST(${x} AS VARCHAR)`,
};
const CLICKHOUSE: Dialect = {
  md5hex: (x) => `lower(hex(MD5(${x})))`,
  idiv: (a, b) => `intDiv(${a}, ${b})`,
  str: (x) => `toString(${x})`,
};

/** A prime below 2^31: a value squared stays below 2^62. */
const P = 2147483647n;
/** Per-draw multipliers and offsets of the mixing hash h(i) = ((a·i + b) mod P)² + i mod P. */
const SALTS = [
  [1103515245n, 12345n],
  [2654435761n, 97n],
  [1597334677n, 31337n],
  [3812015801n, 7n],
  [2246822519n, 4099n],
  [3266489917n, 65537n],
  [668265263n, 1013n],
] as const;

/** Shared layout of the generated rows (see seedSpans). */
function plan(f: Fleet) {
  const runs = Math.floor(f.spans / 5);
  const spanNs = BigInt(f.days) * 86_400_000_000_000n;
  const startNs = BigInt(f.endMs) * 1_000_000n - spanNs;
  // Run i starts somewhere in its own slot: arrival order is run order, spread evenly over time.
  const slotNs = spanNs / BigInt(Math.max(runs, 1));
  return { runs, startNs, slotNs };
}

/**
 * The rows of runs [lo, hi): 5 spans each (agent root, 2 LLM calls, 2 tool calls), in the column
 * order of `columns`. Tenant sizes are skewed (tenant n for u³, u uniform: a few giants, a long tail).
 */
function spanRows(d: Dialect, f: Fleet, lo: number, hi: number, engine: 'duckdb' | 'ch'): string {
  const { startNs, slotNs } = plan(f);
  const h = SALTS.map(([a, b], s) => {
    const x = `((i * ${a} + ${b}) % ${P})`;
    return `((${x} * ${x} + i) % ${P}) AS h${s}`;
  });
  const u3 = d.idiv(`${d.idiv('h0 * h0', String(P))} * h0`, String(P));
  const n = d.idiv(`${u3} * ${f.tenants}`, String(P));
  const tenantId =
    f.ids === 'uuid'
      ? (() => {
          const m = d.md5hex(`concat('tenant-', ${d.str(n)})`);
          const part = (from: number, len: number) => `substr(${m}, ${from}, ${len})`;
          return `concat(${part(1, 8)}, '-', ${part(9, 4)}, '-', ${part(13, 4)}, '-', ${part(17, 4)}, '-', ${part(21, 12)})`;
        })()
      : `concat('tenant-', substr(${d.str(`10000 + ${n}`)}, 2, 4))`;
  const runsFrom =
    engine === 'ch'
      ? `(SELECT number + ${lo} AS i, ${h.join(', ')} FROM numbers(${hi - lo}))`
      : `(SELECT i, ${h.join(', ')} FROM range(${lo}, ${hi}) t(i))`;
  const r = `(SELECT i,
      ${tenantId} AS tenant_id,
      ${d.md5hex(d.str('i'))} AS trace_id,
      ${startNs} + i * ${slotNs} + h1 % ${slotNs} AS t0,
      (200 + h2 % 4000) * 1000000 AS run_ns,
      h3 % 100 < 4 AS failed,
      CASE WHEN h4 % 3 = 0 THEN 'gpt-4o' WHEN h4 % 3 = 1 THEN 'gpt-4o-mini' ELSE 'claude-sonnet-4' END AS model,
      h5, h6
    FROM ${runsFrom})`;
  const from = engine === 'ch' ? `${r} ARRAY JOIN [0, 1, 2, 3, 4] AS k` : `${r} r, range(5) k(k)`;
  const duckOnly =
    engine === 'duckdb'
      ? `, k IN (1, 2) AS is_llm, k IN (3, 4) AS is_tool,
      CAST(concat('0x', substr(trace_id, 1, 16)) AS UBIGINT) AS trace_key,
      md5_number_upper(tenant_id) AS tenant_key`
      : '';
  return `SELECT tenant_id, trace_id,
      substr(${d.md5hex(`concat(trace_id, ${d.str('k')})`)}, 1, 16) AS span_id,
      CASE WHEN k = 0 THEN '' ELSE substr(${d.md5hex(`concat(trace_id, '0')`)}, 1, 16) END AS parent_span_id,
      CASE WHEN k = 0 THEN 'invoke_agent support' WHEN k IN (1, 2) THEN concat('chat ', model)
        WHEN k = 3 THEN 'execute_tool search_web' ELSE 'execute_tool get_account_data' END AS name,
      CASE WHEN k IN (1, 2) THEN 3 ELSE 1 END AS kind,
      t0 + k * 1000000 AS start_ns,
      t0 + CASE WHEN k = 0 THEN run_ns ELSE ${d.idiv('run_ns', '5')} + k * 1000000 END AS end_ns,
      CASE WHEN k = 0 THEN run_ns ELSE ${d.idiv('run_ns', '5')} END AS duration_ns,
      CASE WHEN failed AND k IN (0, 4) THEN 2 ELSE 0 END AS status_code,
      CASE WHEN failed AND k IN (0, 4) THEN 'stale account data' ELSE '' END AS status_message,
      'agent-gateway' AS service_name, 'tenantry' AS scope_name, 'support-v1' AS agent_id,
      'support' AS agent_name,
      CASE WHEN k = 0 THEN 'invoke_agent' WHEN k IN (1, 2) THEN 'chat' ELSE 'execute_tool' END AS operation,
      CASE WHEN k IN (1, 2) THEN model END AS model,
      CASE WHEN k IN (1, 2) THEN 'openai' END AS provider,
      CASE WHEN k IN (1, 2) THEN 500 + (h5 + k * 7919) % 3000 END AS input_tokens,
      CASE WHEN k IN (1, 2) THEN 50 + (h6 + k * 7919) % 400 END AS output_tokens,
      CASE WHEN k = 3 THEN 'search_web' WHEN k = 4 THEN 'get_account_data' END AS tool_name,
      CASE WHEN failed AND k IN (0, 4) THEN 'StaleDataError' END AS error_type,
      k = 0 AS is_run,
      concat('user-', ${d.str('h5 % 5000')}) AS user_id,
      NULL AS conversation_id,
      '{"gen_ai.operation.name":"chat"}' AS attributes,
      '{"service.name":"agent-gateway"}' AS resource_attributes,
      '[]' AS events, '[]' AS links${duckOnly}
    FROM ${from}`;
}

/** The span columns the generator fills, in its order (DuckDB adds four; ClickHouse computes is_llm/is_tool). */
const COLUMNS = `tenant_id, trace_id, span_id, parent_span_id, name, kind, start_ns, end_ns,
  duration_ns, status_code, status_message, service_name, scope_name, agent_id, agent_name,
  operation, model, provider, input_tokens, output_tokens, tool_name, error_type, is_run, user_id,
  conversation_id, attributes, resource_attributes, events, links`;

/** Run ranges of about one day each: chunks that sort in memory on 2 cores. */
function chunks(f: Fleet): Array<[number, number]> {
  const { runs } = plan(f);
  const out: Array<[number, number]> = [];
  for (let d = 0; d < f.days; d++) {
    const lo = Math.floor((d * runs) / f.days);
    const hi = Math.floor(((d + 1) * runs) / f.days);
    if (hi > lo) out.push([lo, hi]);
  }
  return out;
}

/**
 * Seeds `spans` spans into DuckDB, one day of runs per statement, generated inside the engine (no
 * row crosses into Node): 100 million spans in minutes, not hours. Rows go in by start time, as live
 * ingest appends them: the layout before compaction.
 */
export async function seedSpans(
  db: DuckDb,
  f: Fleet,
  onChunk?: (done: number, of: number) => void,
): Promise<void> {
  const all = chunks(f);
  for (const [n, [lo, hi]] of all.entries()) {
    await db.exec(
      `INSERT INTO spans (${COLUMNS}, is_llm, is_tool, trace_key, tenant_key)
       ${spanRows(DUCK, f, lo, hi, 'duckdb')} ORDER BY start_ns`,
    );
    onChunk?.(n + 1, all.length);
  }
}

/** The same rows into a ClickHouse (18.16 or current) spans table, one day of runs per INSERT. */
export async function seedClickHouse(
  ch: ChConnection,
  f: Fleet,
  onChunk?: (done: number, of: number) => void,
): Promise<void> {
  const all = chunks(f);
  for (const [n, [lo, hi]] of all.entries()) {
    await ch.exec(
      `INSERT INTO ${ch.database}.spans (${COLUMNS}) ${spanRows(CLICKHOUSE, f, lo, hi, 'ch')}`,
    );
    onChunk?.(n + 1, all.length);
  }
}
