import type { CompactionOptions, CompactionReport } from '../types.js';
import type { ChConnection } from './client.js';
import { num } from './rows.js';
import { lit } from './sql.js';
import type { TableDef } from './table-ddl.js';

/**
 * The tenant rollup (schema v9), as on DuckDB (storage/duckdb/tenant-rollup.ts): per tenant, UTC
 * hour and LLM model, the overview's additive aggregates and the hour's run durations (exact
 * quantiles). Built by the compaction sweep from `spans FINAL`, not by a materialized view: a view
 * sees each INSERT, and two servers racing on a resent span both insert it (dedup.test.ts), so a
 * view's counts would keep the duplicate that FINAL drops. A sweep reads what FINAL reads.
 *
 * `tenant_hours_done` records each rolled-up hour with the raw (not deduplicated) span count taken
 * just before the build, and the build's id; reads use only rows of the recorded build, so rows of
 * an older or concurrent build (another server's sweep) never add up twice. An hour whose raw count
 * changed since (late rows, a duplicate merged away, a mutation) is rolled up again by the next
 * sweep. Retention and erasure delete what they must in lifecycle.ts. Single node (or ClickHouse
 * Cloud) only: on a cluster of Distributed tables the overview scans spans as before.
 */
export const HOUR_NS = 3_600_000_000_000n;
const HOUR = `intDiv(start_ns, ${HOUR_NS}) * ${HOUR_NS}`;

export function rollupTableDefs(lowCardinality: boolean): TableDef[] {
  const lc = lowCardinality ? 'LowCardinality(String)' : 'String';
  return [
    {
      name: 'tenant_hours',
      columns: `hour Int64, tenant_id String, has_model UInt8, model_key ${lc}, spans UInt64,
        runs UInt64, failed_runs UInt64, llm_calls UInt64, in_tokens Int64, out_tokens Int64,
        llm_ns Int64, tool_calls UInt64, tool_errors UInt64, last_seen_ns Int64,
        run_ns Array(Int64), build UInt64`,
      engine: 'ReplacingMergeTree(build)',
      partitionBy: `intDiv(hour, ${HOUR_NS * 24n})`,
      orderBy: 'hour, tenant_id, has_model, model_key',
      shardBy: 'cityHash64(tenant_id)',
    },
    {
      name: 'tenant_hours_done',
      columns: 'hour Int64, row_count UInt64, build UInt64',
      engine: 'ReplacingMergeTree(build)',
      partitionBy: null,
      orderBy: 'hour',
      shardBy: 'hour',
    },
  ];
}

/**
 * v10: tenant_hours sorted by (tenant_id, hour, …) instead of (hour, tenant_id, …). A day's rollup
 * (~95 k rows at 100 M spans a month) is 12 granules whatever the order; hour first, a tenant's 96
 * rows of the day sit in every one of them, so a one-tenant overview read the whole day; tenant
 * first, one granule. Measured on the month (copies of the table, read alternately, load 6):
 * one tenant's page p50 36.2 -> 23.9 ms on 18.16 and 79 -> 35 ms on chDB 26.7, the all-tenant page
 * unchanged (docs/scaling.md). ORDER BY cannot be changed in place, so the table is copied and
 * swapped; the rows keep their builds, so the recorded hours stay valid. An INSERT of another
 * server's sweep running meanwhile finishes before the RENAME, into the old table: its rows are
 * copied after the swap. Run again after a crash, a half-made copy is dropped and made again; an
 * old table a crash left after the swap is dropped (its rows were copied but for such a sweep's,
 * whose hours would then read empty until their span counts change). Seconds at 100 M spans.
 * Single node only: on a cluster the rollup is neither built nor read (hasRollup).
 */
export function rollupByTenantStatements(ch: ChConnection): string[] {
  if (!hasRollup(ch)) return [];
  const db = ch.database;
  return [
    `DROP TABLE IF EXISTS ${db}.tenant_hours_by_tenant`,
    `DROP TABLE IF EXISTS ${db}.tenant_hours_by_hour`,
    `CREATE TABLE ${db}.tenant_hours_by_tenant AS ${db}.tenant_hours
     ENGINE = ReplacingMergeTree(build) PARTITION BY intDiv(hour, ${HOUR_NS * 24n})
     ORDER BY (tenant_id, hour, has_model, model_key)`,
    `INSERT INTO ${db}.tenant_hours_by_tenant SELECT * FROM ${db}.tenant_hours`,
    `RENAME TABLE ${db}.tenant_hours TO ${db}.tenant_hours_by_hour, ${db}.tenant_hours_by_tenant TO ${db}.tenant_hours`,
    `INSERT INTO ${db}.tenant_hours SELECT * FROM ${db}.tenant_hours_by_hour
     WHERE (hour, build) NOT IN (SELECT hour, build FROM ${db}.tenant_hours)`,
    `DROP TABLE ${db}.tenant_hours_by_hour`,
  ];
}

/**
 * The rollup columns of a spans query grouped by (hour, tenant_id, has_model, model_key): `hour`
 * is the hour expression, or a constant for a scan that is not split by hour. No alias is a spans
 * column's name: ClickHouse would put the alias in place of the column everywhere in the query.
 */
export function rollupColumns(hour: string): string {
  const llm = 'is_llm = 1';
  return `${hour} AS hour, tenant_id, toUInt8(${llm} AND isNotNull(model)) AS has_model,
    if(has_model = 1, assumeNotNull(model), '') AS model_key,
    count() AS spans, countIf(is_run = 1) AS runs,
    countIf(is_run = 1 AND status_code = 2) AS failed_runs, countIf(${llm}) AS llm_calls,
    sumIf(ifNull(input_tokens, 0), ${llm}) AS in_tokens,
    sumIf(ifNull(output_tokens, 0), ${llm}) AS out_tokens,
    sumIf(duration_ns, ${llm}) AS llm_ns, countIf(is_tool = 1) AS tool_calls,
    countIf(is_tool = 1 AND status_code = 2) AS tool_errors, max(end_ns) AS last_seen_ns,
    groupArrayIf(duration_ns, is_run = 1) AS run_ns`;
}

/** The columns of tenant_hours and of rollupColumns' rows, but the build. */
export const COLUMNS = `hour, tenant_id, has_model, model_key, spans, runs, failed_runs, llm_calls,
  in_tokens, out_tokens, llm_ns, tool_calls, tool_errors, last_seen_ns, run_ns`;

/** Whether this connection keeps a rollup: one node, not Distributed tables over shards. */
export const hasRollup = (ch: ChConnection) => ch.cluster === null;

/** Rolls up every closed hour with no record or a changed span count, one day per INSERT. */
export async function rollUpClosedHours(
  ch: ChConnection,
  options: CompactionOptions,
): Promise<CompactionReport> {
  const report: CompactionReport = { windows: 0, rows: 0, transactions: 0 };
  if (!hasRollup(ch)) return report;
  const db = ch.database;
  const closedEnd = (options.closedBeforeNs / HOUR_NS) * HOUR_NS;
  // Counted before the build: a row inserted between the two is in the rollup but not in the
  // count, so the next sweep rolls its hour up again (never the other way round).
  const counts = await ch.query<{ h: string; n: string }>(
    `SELECT ${HOUR} AS h, count() AS n FROM ${db}.spans WHERE start_ns < ${closedEnd} GROUP BY h`,
  );
  const done = new Map(
    (
      await ch.query<{ h: string; n: string }>(
        `SELECT hour AS h, argMax(row_count, build) AS n FROM ${db}.tenant_hours_done GROUP BY hour`,
      )
    ).map((r) => [BigInt(r.h), num(r.n)]),
  );
  const byDay = new Map<bigint, Array<[bigint, number]>>();
  for (const r of counts) {
    const h = BigInt(r.h);
    if (done.get(h) === num(r.n)) continue;
    const day = (h / (24n * HOUR_NS)) * 24n * HOUR_NS;
    byDay.set(day, [...(byDay.get(day) ?? []), [h, num(r.n)]]);
  }
  for (const [day, hours] of [...byDay].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    if (options.signal?.aborted) break;
    // Unique enough between servers and sweeps: nanoseconds of wall clock.
    const build = BigInt(Date.now()) * 1_000_000n + BigInt(Math.floor(Math.random() * 1e6));
    const list = hours.map(([h]) => lit(h)).join(', ');
    await ch.exec(
      `INSERT INTO ${db}.tenant_hours (${COLUMNS}, build)
       SELECT ${COLUMNS}, ${build}
       FROM (SELECT ${rollupColumns(HOUR)} FROM ${db}.spans FINAL
             WHERE start_ns >= ${day} AND start_ns < ${day + 24n * HOUR_NS} AND ${HOUR} IN (${list})
             GROUP BY hour, tenant_id, has_model, model_key)`,
      0,
      ch.finalSettings,
    );
    // The record last: a read that sees it sees the build's rows.
    await ch.exec(
      `INSERT INTO ${db}.tenant_hours_done (hour, row_count, build) VALUES ${hours
        .map(([h, n]) => `(${h}, ${n}, ${build})`)
        .join(', ')}`,
    );
    report.windows++;
    report.rows += hours.length;
    report.transactions += 2;
  }
  return report;
}
