import type { ChConnection } from './client.js';
import type { Features } from './features.js';
import { LLM_PREDICATE, TOOL_PREDICATE } from './rows.js';
import { createTable, day, type TableDef } from './table-ddl.js';
import { rollupByTenantStatements, rollupTableDefs } from './tenant-rollup.js';
import { traceIndexByMonthStatements, traceIndexStatements } from './trace-index-schema.js';

/**
 * ClickHouse schema. `tenant_id` leads every ORDER BY; telemetry partitions by day of its own
 * timestamp (integer nanoseconds, exact on every version, so DateTime64 is not needed). Spans are a
 * ReplacingMergeTree on (tenant_id, trace_id, span_id): a resent span lands in the same partition
 * and part key, and reads deduplicate (FINAL for counting aggregates, LIMIT 1 BY for selective
 * reads) so counts never double before a merge.
 *
 * On a cluster each table is a `<name>_local` MergeTree on every node behind a `<name>` Distributed
 * table sharded by cityHash64(tenant_id), so one tenant's rows (and its dedup) live on one shard.
 */

/**
 * ZSTD(1) on every column LowCardinality does not already encode. Measured on 26.7 at 1 M spans:
 * 62.0 → 34.7 bytes per span (ZSTD(3): 32.4, not worth its CPU on the write path; T64 before ZSTD
 * on the Int64 columns: 38.6, worse, the times are not sorted within a part). Only for tables
 * created on 22.1+; existing tables keep their codecs (new parts of them still use LZ4).
 */
function withCodecs(columns: string, f: Features): string {
  if (!f.current) return columns;
  return columns
    .split(',')
    .map((c) => {
      if (/LowCardinality/.test(c)) return c;
      // A trace's spans sit together (sorted by tenant, trace), so their start and end times are
      // close: deltas first. Measured on 26.7, 2 M spans: start_ns 4.22 -> 2.37 bytes per span,
      // end_ns 5.34 -> 3.78 (DoubleDelta: 4.30, no gain; T64 on duration_ns: 3.17, worse than 1.82).
      const codec = /^\s*(start_ns|end_ns) Int64/.test(c) ? 'Delta, ZSTD(1)' : 'ZSTD(1)';
      return `${c.trimEnd()} CODEC(${codec})`;
    })
    .join(',');
}

export function tableDefs(f: Features): TableDef[] {
  const lc = f.lowCardinality ? 'LowCardinality(String)' : 'String';
  const lcNull = f.lowCardinality ? 'LowCardinality(Nullable(String))' : 'Nullable(String)';
  const byTenant = 'cityHash64(tenant_id)';
  return [
    {
      name: 'spans',
      columns: withCodecs(
        `tenant_id String, trace_id String, span_id String, parent_span_id String,
        name String, kind Int8, start_ns Int64, end_ns Int64, duration_ns Int64,
        status_code Int8, status_message String, service_name ${lc}, scope_name ${lc},
        agent_id ${lcNull}, agent_name ${lcNull}, operation ${lcNull}, model ${lcNull},
        provider ${lcNull}, input_tokens Nullable(Int64), output_tokens Nullable(Int64),
        tool_name ${lcNull}, error_type ${lcNull}, is_run UInt8, user_id Nullable(String),
        conversation_id Nullable(String), attributes String, resource_attributes String,
        events String, links String`,
        f,
      ),
      engine: 'ReplacingMergeTree',
      partitionBy: day('start_ns'),
      orderBy: 'tenant_id, trace_id, span_id',
      shardBy: byTenant,
      // Smaller granules: a trace look-up reads 2,048 rows per part instead of 8,192.
      settings: 'index_granularity = 2048',
    },
    {
      name: 'logs',
      columns: `tenant_id String, time_ns Int64, observed_ns Int64, trace_id String,
        span_id String, severity_number Int8, severity_text ${lc}, body String,
        service_name ${lc}, agent_id ${lcNull}, attributes String, resource_attributes String`,
      engine: 'MergeTree',
      partitionBy: day('time_ns'),
      orderBy: 'tenant_id, time_ns',
      shardBy: byTenant,
    },
    {
      name: 'metric_points',
      columns: `tenant_id String, name ${lc}, kind ${lc}, unit ${lc}, temporality Int8,
        is_monotonic UInt8, start_ns Int64, time_ns Int64, value Nullable(Float64),
        count Nullable(Float64), sum Nullable(Float64), min Nullable(Float64),
        max Nullable(Float64), explicit_bounds String, bucket_counts String,
        service_name ${lc}, attributes String, resource_attributes String`,
      engine: 'MergeTree',
      partitionBy: day('time_ns'),
      orderBy: 'tenant_id, name, time_ns',
      shardBy: byTenant,
    },
    // Mutable records are versioned rows in ReplacingMergeTree tables, read with FINAL.
    {
      name: 'api_keys',
      columns: `id String, hash String, prefix String, kind String, tenant_id Nullable(String),
        name String, created_at String, revoked_at Nullable(String), version UInt64`,
      engine: 'ReplacingMergeTree(version)',
      partitionBy: null,
      orderBy: 'id',
      shardBy: 'cityHash64(id)',
    },
    {
      name: 'alert_states',
      columns: `tenant_id String, rule_id String, state String, since Int64,
        last_evaluated Int64, value Float64, threshold Float64,
        last_notified_at Nullable(Int64), example_trace_id Nullable(String), deleted UInt8,
        version UInt64`,
      engine: 'ReplacingMergeTree(version)',
      partitionBy: null,
      orderBy: 'tenant_id, rule_id',
      shardBy: byTenant,
    },
    {
      name: 'alert_transitions',
      columns: `tenant_id String, rule_id String, from_state String, to_state String,
        at_ms Int64, value Float64, threshold Float64`,
      engine: 'MergeTree',
      partitionBy: null,
      orderBy: 'tenant_id, at_ms, rule_id',
      shardBy: byTenant,
    },
    {
      name: 'alert_rules',
      columns: `id String, definition String, updated_at String, deleted UInt8, version UInt64`,
      engine: 'ReplacingMergeTree(version)',
      partitionBy: null,
      orderBy: 'id',
      shardBy: 'cityHash64(id)',
    },
  ];
}

/** Table names the adapter queries; mutations go to `localTable()` on every node. */
export type TableName =
  | 'spans'
  | 'logs'
  | 'metric_points'
  | 'api_keys'
  | 'alert_states'
  | 'alert_transitions'
  | 'alert_rules'
  | 'scores'
  | 'trace_claims'
  | 'parked_spans'
  | 'change_events'
  | 'trace_index'
  | 'tenant_hours'
  | 'tenant_hours_done';

export function localTable(ch: ChConnection, table: TableName): string {
  return ch.cluster ? `${ch.database}.${table}_local` : `${ch.database}.${table}`;
}

function createStatements(ch: ChConnection): string[] {
  return tableDefs(ch.features).flatMap((t) => createTable(ch, t));
}

/**
 * Claims are kept in 10-minute partitions, dropped whole (no mutation) once they end before the
 * settle's cutoff; only the few partitions of one claim window exist at a time.
 */
export const CLAIM_PARTITION_NS = 600_000_000_000n;

/**
 * v4, trace-level tenants (trace-tenants.ts). Both tables are keyed and sharded by trace, not by
 * tenant: a parked span has no tenant yet, and no tenant read ever touches them.
 * - trace_claims: the tenants spans stated for their traces. Repeats of a claim collapse on merge.
 * - parked_spans: spans that stated no tenant, waiting for their trace's claim; a span row plus
 *   when it was parked. Rows leave by ALTER ... DELETE once moved to `spans`.
 */
export function traceTenantTableDefs(f: Features): TableDef[] {
  const spans = tableDefs(f).find((t) => t.name === 'spans')!;
  const byTrace = 'cityHash64(trace_id)';
  return [
    {
      name: 'trace_claims',
      columns: 'trace_id String, tenant_id String, from_root UInt8, claimed_ns Int64',
      engine: 'ReplacingMergeTree(claimed_ns)',
      partitionBy: `intDiv(claimed_ns, ${CLAIM_PARTITION_NS})`,
      orderBy: 'trace_id, tenant_id, from_root',
      shardBy: byTrace,
      // Looked up by trace id, a few thousand a batch, in a window of every trace's claims: small
      // granules keep each look-up from reading 8,192 rows.
      settings: 'index_granularity = 256',
    },
    {
      name: 'parked_spans',
      columns: `${spans.columns}, is_llm UInt8, is_tool UInt8, parked_ns Int64`,
      engine: 'MergeTree',
      partitionBy: null,
      orderBy: 'trace_id, span_id',
      shardBy: byTrace,
      settings: 'index_granularity = 1024',
    },
  ];
}

/** v2: LLM / tool classification as columns; older parts compute it from their DEFAULT on read. */
function classifyStatements(ch: ChConnection): string[] {
  const tables = ch.cluster ? ['spans_local', 'spans'] : ['spans'];
  return tables.map(
    (t) =>
      `ALTER TABLE ${ch.database}.${t}${ch.onCluster} ADD COLUMN is_llm UInt8 DEFAULT ${LLM_PREDICATE}, ADD COLUMN is_tool UInt8 DEFAULT ${TOOL_PREDICATE}`,
  );
}

function ruleSnapshotStatements(ch: ChConnection): string[] {
  const tables = ch.cluster ? ['alert_states_local', 'alert_states'] : ['alert_states'];
  return tables.map(
    (t) =>
      `ALTER TABLE ${ch.database}.${t}${ch.onCluster} ADD COLUMN rule_snapshot Nullable(String)`,
  );
}

/** v8: the suspect an alert's firing notification named (AlertStateRecord.suspect), as JSON. */
function alertSuspectStatements(ch: ChConnection): string[] {
  const tables = ch.cluster ? ['alert_states_local', 'alert_states'] : ['alert_states'];
  return tables.map(
    (t) => `ALTER TABLE ${ch.database}.${t}${ch.onCluster} ADD COLUMN suspect Nullable(String)`,
  );
}

/**
 * v5, deploy / config-change markers (POST /api/v1/events, change-events.ts): a few rows a day per
 * tenant, kept with its tenant's shard; tenant_id '' is a platform-wide event. Retention and
 * erasure delete them with a mutation like the rest.
 */
export function changeEventTableDef(): TableDef {
  return {
    name: 'change_events',
    columns: `tenant_id String, id String, time_ns Int64, kind String, title String,
      service_name Nullable(String), version Nullable(String), environment Nullable(String),
      attributes String`,
    engine: 'MergeTree',
    partitionBy: null,
    orderBy: 'tenant_id, time_ns, id',
    shardBy: 'cityHash64(tenant_id)',
  };
}

/**
 * v6, scores and feedback on runs (storage/score-types.ts): partitioned by day and sharded by tenant
 * like logs, so that a tenant's scores and its runs live on the same shard.
 */
export function scoreTableDef(f: Features): TableDef {
  const lc = f.lowCardinality ? 'LowCardinality(String)' : 'String';
  return {
    name: 'scores',
    columns: `tenant_id String, score_id String, time_ns Int64, trace_id String, span_id String,
      name ${lc}, value Float64, label Nullable(String), comment Nullable(String), source ${lc}`,
    engine: 'MergeTree',
    partitionBy: day('time_ns'),
    orderBy: 'tenant_id, time_ns',
    shardBy: 'cityHash64(tenant_id)',
  };
}

/** Versioned migrations; each node records what it applied in its own schema_migrations. */
export function migrations(ch: ChConnection): Array<{ version: number; statements: string[] }> {
  return [
    { version: 1, statements: createStatements(ch) },
    { version: 2, statements: classifyStatements(ch) },
    { version: 3, statements: ruleSnapshotStatements(ch) },
    {
      version: 4,
      statements: traceTenantTableDefs(ch.features).flatMap((t) => createTable(ch, t)),
    },
    { version: 5, statements: createTable(ch, changeEventTableDef()) },
    { version: 6, statements: createTable(ch, scoreTableDef(ch.features)) },
    { version: 7, statements: traceIndexStatements(ch) },
    { version: 8, statements: alertSuspectStatements(ch) },
    // The tenant rollup (tenant-rollup.ts), built by the compaction sweep from spans FINAL.
    {
      version: 9,
      statements: rollupTableDefs(ch.features.lowCardinality).flatMap((t) => createTable(ch, t)),
    },
    // The rollup sorted by tenant first (tenant-rollup.ts): a copy and a swap, single node only.
    { version: 10, statements: rollupByTenantStatements(ch) },
    { version: 11, statements: traceIndexByMonthStatements(ch) },
  ];
}

/**
 * Creates the database and tables on every node (or once, ON CLUSTER). Safe on every start and from
 * several servers. With ON CLUSTER, what any node's schema_migrations records speaks for the cluster.
 */
export async function migrate(ch: ChConnection): Promise<void> {
  const db = ch.database;
  const nodes = ch.ddlNodes;
  for (let node = 0; node < nodes; node++) {
    await ch.exec(`CREATE DATABASE IF NOT EXISTS ${db}${ch.onCluster}`, node);
    await ch.exec(
      `CREATE TABLE IF NOT EXISTS ${db}.schema_migrations${ch.onCluster} (version UInt32, applied_at DateTime DEFAULT now()) ENGINE = MergeTree ORDER BY version`,
      node,
    );
  }
  // ON CLUSTER: the record lands on the node the INSERT went to, which need not be the node this
  // server talks to, so what the cluster applied is read from every node (cluster() is in 18.16).
  const applied = await ch.queryEverywhere<{ version: number }>(
    ch.onCluster
      ? `SELECT DISTINCT version FROM cluster('${ch.cluster}', ${db}, schema_migrations)`
      : `SELECT DISTINCT version FROM ${db}.schema_migrations`,
  );
  for (let node = 0; node < nodes; node++) {
    const done = new Set((applied[node] ?? []).map((r) => Number(r.version)));
    for (const m of migrations(ch)) {
      if (done.has(m.version)) continue;
      for (const statement of m.statements) await ch.exec(statement, node);
      await ch.exec(`INSERT INTO ${db}.schema_migrations (version) VALUES (${m.version})`, node);
    }
  }
}
