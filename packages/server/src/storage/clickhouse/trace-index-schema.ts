import type { ChConnection } from './client.js';
import { createTable, day, type TableDef } from './table-ddl.js';

/** The day partition of a span, as trace_index stores it (spans partition by the same day). */
export const SPAN_DAY = `toUInt32(${day('start_ns')})`;

/**
 * v7, the trace index: which tenants and days hold a trace, keyed by cityHash64(trace_id), so a
 * trace looked up without its tenant (an admin key) reads one granule here and then only its
 * tenant's key range in its days, instead of every granule of spans (18.16 at 100 M spans: see
 * docs/scaling.md). A materialized view fills it on every insert into spans (ingest, the settle's
 * moves), in the same INSERT, so no write-path code changes; rows spans had before the view are
 * copied once. Repeats collapse on merge and reads take DISTINCT, so running this twice is harmless.
 * Entries outlive deleted spans (retention, erasure): a stale one only adds a granule to a look-up.
 */
export function traceIndexStatements(ch: ChConnection): string[] {
  const db = ch.database;
  const def: TableDef = {
    name: 'trace_index',
    columns: `trace_key UInt64, tenant_id ${ch.features.lowCardinality ? 'LowCardinality(String)' : 'String'}, day UInt32`,
    engine: 'ReplacingMergeTree',
    partitionBy: 'day',
    orderBy: 'trace_key, tenant_id, day',
    shardBy: 'trace_key',
    settings: 'index_granularity = 1024',
  };
  const [spans, index] = ch.cluster
    ? ['spans_local', 'trace_index_local']
    : ['spans', 'trace_index'];
  const select = (from: string) =>
    `SELECT cityHash64(trace_id) AS trace_key, tenant_id, ${SPAN_DAY} AS day FROM ${db}.${from}`;
  return [
    ...createTable(ch, def),
    `CREATE MATERIALIZED VIEW IF NOT EXISTS ${db}.trace_index_mv${ch.onCluster} TO ${db}.${index} AS ${select(spans)} GROUP BY trace_key, tenant_id, day`,
    // After the view exists, so no span falls between the copy and the view. With ON CLUSTER this
    // runs once, through the Distributed tables; otherwise once per node, local to local.
    ch.onCluster
      ? `INSERT INTO ${db}.trace_index ${select('spans')}`
      : `INSERT INTO ${db}.${index} ${select(spans)}`,
  ];
}

/**
 * v11: trace_index partitioned by month instead of by day. A look-up knows the trace, not its day,
 * so it read a granule or two in each day partition (62,464 rows for a month at 100 M spans); by
 * month, one or two partitions. On a copy of the month's index, read alternately on 18.16 (load
 * 3-4): p50 / p95 8.5 / 15.2 -> 5.3 / 10.7 ms (docs/scaling.md). PARTITION BY cannot be altered:
 * the index is copied and swapped. The view writes to its table by name (checked on 18.16 and
 * current), so after the RENAME it fills the new table with no gap. What it wrote into the old one
 * since the copy began is in parts past the block number noted before it, copied once more after
 * the swap (a merge may bring older rows along: repeats collapse on merge, look-ups group by
 * tenant). Run again after a crash, a half-made copy is dropped and made again. On a cluster the
 * index keeps its day partitions (look-ups read the same either way).
 */
export function traceIndexByMonthStatements(ch: ChConnection): string[] {
  if (ch.cluster) return [];
  const db = ch.database;
  const parts = (table: string) =>
    `SELECT name FROM system.parts WHERE database = '${db}' AND table = '${table}' AND active`;
  return [
    `DROP TABLE IF EXISTS ${db}.trace_index_by_month`,
    `DROP TABLE IF EXISTS ${db}.trace_index_by_day`,
    `DROP TABLE IF EXISTS ${db}.trace_index_copied_from`,
    `CREATE TABLE ${db}.trace_index_copied_from ENGINE = MergeTree ORDER BY tuple() AS
     SELECT max(max_block_number) AS b FROM system.parts
     WHERE database = '${db}' AND table = 'trace_index' AND active`,
    `CREATE TABLE ${db}.trace_index_by_month AS ${db}.trace_index ENGINE = ReplacingMergeTree
     PARTITION BY intDiv(day, 100) ORDER BY (trace_key, tenant_id, day)
     SETTINGS index_granularity = 1024`,
    `INSERT INTO ${db}.trace_index_by_month SELECT * FROM ${db}.trace_index`,
    `RENAME TABLE ${db}.trace_index TO ${db}.trace_index_by_day, ${db}.trace_index_by_month TO ${db}.trace_index`,
    `INSERT INTO ${db}.trace_index SELECT * FROM ${db}.trace_index_by_day
     WHERE _part IN (${parts('trace_index_by_day')}
       AND max_block_number > (SELECT max(b) FROM ${db}.trace_index_copied_from))`,
    `DROP TABLE ${db}.trace_index_by_day`,
    `DROP TABLE ${db}.trace_index_copied_from`,
  ];
}
