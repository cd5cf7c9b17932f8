/**
 * DuckDB schema. `tenant_id` leads every key; times are integer nanoseconds so that both engines
 * keep exact OTLP timestamps. Migrations are idempotent and versioned in `schema_migrations`.
 */
export const SPAN_COLUMNS = [
  'tenant_id',
  'trace_id',
  'span_id',
  'parent_span_id',
  'name',
  'kind',
  'start_ns',
  'end_ns',
  'duration_ns',
  'status_code',
  'status_message',
  'service_name',
  'scope_name',
  'agent_id',
  'agent_name',
  'operation',
  'model',
  'provider',
  'input_tokens',
  'output_tokens',
  'tool_name',
  'error_type',
  'is_run',
  'user_id',
  'conversation_id',
  'attributes',
  'resource_attributes',
  'events',
  'links',
  'is_llm',
  'is_tool',
  'trace_key',
  'tenant_key',
] as const;

const SPANS_BODY = `
  tenant_id VARCHAR NOT NULL,
  trace_id VARCHAR NOT NULL,
  span_id VARCHAR NOT NULL,
  parent_span_id VARCHAR NOT NULL,
  name VARCHAR NOT NULL,
  kind TINYINT NOT NULL,
  start_ns BIGINT NOT NULL,
  end_ns BIGINT NOT NULL,
  duration_ns BIGINT NOT NULL,
  status_code TINYINT NOT NULL,
  status_message VARCHAR NOT NULL,
  service_name VARCHAR NOT NULL,
  scope_name VARCHAR NOT NULL,
  agent_id VARCHAR,
  agent_name VARCHAR,
  operation VARCHAR,
  model VARCHAR,
  provider VARCHAR,
  input_tokens BIGINT,
  output_tokens BIGINT,
  tool_name VARCHAR,
  error_type VARCHAR,
  is_run BOOLEAN NOT NULL,
  user_id VARCHAR,
  conversation_id VARCHAR,
  attributes VARCHAR NOT NULL,
  resource_attributes VARCHAR NOT NULL,
  events VARCHAR NOT NULL,
  links VARCHAR NOT NULL,
  is_llm BOOLEAN NOT NULL,
  is_tool BOOLEAN NOT NULL,
  -- The first 64 bits of the trace id: a trace lookup compares integers across the table and
  -- strings only on the rows that match, with no index to maintain on the write path.
  trace_key UBIGINT NOT NULL`;

export const MIGRATIONS: Array<{ version: number; statements: string[] }> = [
  {
    version: 1,
    statements: [
      // No primary key or ART index: maintaining them cost more than half of the write path.
      // Resent spans are skipped by an anti-join at write time (see write.ts), and reads rely on
      // DuckDB's zone maps over start_ns and tenant_id.
      `CREATE TABLE IF NOT EXISTS spans (${SPANS_BODY})`,
      `CREATE TABLE IF NOT EXISTS logs (
        tenant_id VARCHAR NOT NULL,
        time_ns BIGINT NOT NULL,
        observed_ns BIGINT NOT NULL,
        trace_id VARCHAR NOT NULL,
        span_id VARCHAR NOT NULL,
        severity_number TINYINT NOT NULL,
        severity_text VARCHAR NOT NULL,
        body VARCHAR NOT NULL,
        service_name VARCHAR NOT NULL,
        agent_id VARCHAR,
        attributes VARCHAR NOT NULL,
        resource_attributes VARCHAR NOT NULL,
        trace_key UBIGINT NOT NULL)`,
      `CREATE TABLE IF NOT EXISTS metric_points (
        tenant_id VARCHAR NOT NULL,
        name VARCHAR NOT NULL,
        kind VARCHAR NOT NULL,
        unit VARCHAR NOT NULL,
        temporality TINYINT NOT NULL,
        is_monotonic BOOLEAN NOT NULL,
        start_ns BIGINT NOT NULL,
        time_ns BIGINT NOT NULL,
        value DOUBLE,
        count DOUBLE,
        sum DOUBLE,
        min DOUBLE,
        max DOUBLE,
        explicit_bounds VARCHAR NOT NULL,
        bucket_counts VARCHAR NOT NULL,
        service_name VARCHAR NOT NULL,
        attributes VARCHAR NOT NULL,
        resource_attributes VARCHAR NOT NULL)`,
      `CREATE TABLE IF NOT EXISTS api_keys (
        id VARCHAR PRIMARY KEY,
        hash VARCHAR NOT NULL UNIQUE,
        prefix VARCHAR NOT NULL,
        kind VARCHAR NOT NULL,
        tenant_id VARCHAR,
        name VARCHAR NOT NULL,
        created_at VARCHAR NOT NULL,
        revoked_at VARCHAR)`,
      `CREATE TABLE IF NOT EXISTS alert_states (
        tenant_id VARCHAR NOT NULL,
        rule_id VARCHAR NOT NULL,
        state VARCHAR NOT NULL,
        since BIGINT NOT NULL,
        last_evaluated BIGINT NOT NULL,
        value DOUBLE NOT NULL,
        threshold DOUBLE NOT NULL,
        last_notified_at BIGINT,
        example_trace_id VARCHAR,
        PRIMARY KEY (tenant_id, rule_id))`,
      `CREATE TABLE IF NOT EXISTS alert_transitions (
        tenant_id VARCHAR NOT NULL,
        rule_id VARCHAR NOT NULL,
        from_state VARCHAR NOT NULL,
        to_state VARCHAR NOT NULL,
        at_ms BIGINT NOT NULL,
        value DOUBLE NOT NULL,
        threshold DOUBLE NOT NULL)`,
      `CREATE TABLE IF NOT EXISTS alert_rules (
        id VARCHAR PRIMARY KEY,
        definition VARCHAR NOT NULL,
        updated_at VARCHAR NOT NULL)`,
    ],
  },
  {
    version: 2,
    statements: [
      // Closed time windows that compaction (compact.ts) has rewritten sorted by tenant, so a
      // sweep never rewrites one twice. Keyed by the window length too: changing it re-sorts once.
      `CREATE TABLE IF NOT EXISTS compacted_windows (
        table_name VARCHAR NOT NULL,
        window_start_ns BIGINT NOT NULL,
        window_ns BIGINT NOT NULL,
        row_count BIGINT NOT NULL,
        compacted_at_ms BIGINT NOT NULL,
        PRIMARY KEY (table_name, window_ns, window_start_ns))`,
    ],
  },
  {
    version: 3,
    statements: [
      // DuckDB's zone maps keep only the first 8 bytes of a string, so ids such as 'tenant-0042'
      // and 'tenant-0043' look alike to them and a tenant filter skips no row group. A 64-bit key
      // per tenant (tenantKey in rows.ts: the first 8 bytes of md5, as md5_number_upper computes
      // them) differs in its first bytes, so once compaction sorts by it, row groups are pruned.
      'ALTER TABLE spans ADD COLUMN tenant_key UBIGINT',
      'UPDATE spans SET tenant_key = md5_number_upper(tenant_id)',
      'ALTER TABLE spans ALTER COLUMN tenant_key SET NOT NULL',
      'ALTER TABLE logs ADD COLUMN tenant_key UBIGINT',
      'UPDATE logs SET tenant_key = md5_number_upper(tenant_id)',
      'ALTER TABLE logs ALTER COLUMN tenant_key SET NOT NULL',
    ],
  },
  {
    version: 4,
    statements: ['ALTER TABLE alert_states ADD COLUMN rule_snapshot VARCHAR'],
  },
  {
    version: 5,
    statements: [
      // The last ingest-journal record committed (storage/journal), written in the same
      // transaction as its rows, so a restart replays exactly the records after it.
      'CREATE TABLE IF NOT EXISTS ingest_journal (id INTEGER PRIMARY KEY, applied_seq BIGINT NOT NULL)',
    ],
  },
  {
    version: 6,
    statements: [
      // Trace-level tenants (trace-tenants.ts): the tenants spans stated for their traces, and the
      // spans that stated none, parked until their trace's claim arrives or the window ends.
      `CREATE TABLE IF NOT EXISTS trace_claims (
        trace_key UBIGINT NOT NULL,
        trace_id VARCHAR NOT NULL,
        tenant_id VARCHAR NOT NULL,
        from_root BOOLEAN NOT NULL,
        claimed_ns BIGINT NOT NULL)`,
      'CREATE TABLE IF NOT EXISTS parked_spans AS SELECT * FROM spans LIMIT 0',
      'ALTER TABLE parked_spans ADD COLUMN parked_ns BIGINT',
    ],
  },
  {
    version: 7,
    statements: [
      // Deploy / config-change markers (POST /api/v1/events, change-events.ts): a handful a day
      // per tenant, so a primary key costs nothing here. tenant_id '' is a platform-wide event.
      `CREATE TABLE IF NOT EXISTS change_events (
        tenant_id VARCHAR NOT NULL,
        id VARCHAR NOT NULL,
        time_ns BIGINT NOT NULL,
        kind VARCHAR NOT NULL,
        title VARCHAR NOT NULL,
        service_name VARCHAR,
        version VARCHAR,
        environment VARCHAR,
        attributes VARCHAR NOT NULL,
        PRIMARY KEY (tenant_id, id))`,
    ],
  },
  {
    version: 8,
    statements: [
      // Scores and feedback on runs (storage/score-types.ts), keyed like logs: the tenant key for
      // pruning, the trace key so that a run's scores join its spans on an integer.
      `CREATE TABLE IF NOT EXISTS scores (
        tenant_id VARCHAR NOT NULL,
        score_id VARCHAR NOT NULL,
        time_ns BIGINT NOT NULL,
        trace_id VARCHAR NOT NULL,
        span_id VARCHAR NOT NULL,
        name VARCHAR NOT NULL,
        value DOUBLE NOT NULL,
        label VARCHAR,
        comment VARCHAR,
        source VARCHAR NOT NULL,
        trace_key UBIGINT NOT NULL,
        tenant_key UBIGINT NOT NULL)`,
    ],
  },
  {
    version: 9,
    statements: [
      // The trace index (trace-index.ts): the trace and tenant keys each closed window holds,
      // written sorted by trace_key by the compaction sweep, so a trace by id reads a few row
      // groups instead of every trace_key (100 M spans: docs/scaling.md). Built by the next sweep
      // on an existing database; until then look-ups scan as before.
      `CREATE TABLE IF NOT EXISTS trace_index (
        trace_key UBIGINT NOT NULL,
        tenant_key UBIGINT NOT NULL,
        window_start_ns BIGINT NOT NULL,
        window_ns BIGINT NOT NULL)`,
      `CREATE TABLE IF NOT EXISTS trace_index_windows (
        window_start_ns BIGINT NOT NULL,
        window_ns BIGINT NOT NULL,
        row_count BIGINT NOT NULL,
        PRIMARY KEY (window_start_ns, window_ns))`,
      // No ART index on trace_key: at 100 M spans (20 M traces) it cut the look-up from 10-40 to
      // 1-4 ms but needs more than the default 512 MiB memory_limit to build (out of memory).
    ],
  },
  {
    version: 10,
    // The suspect an alert's firing notification named (AlertStateRecord.suspect), as JSON.
    statements: ['ALTER TABLE alert_states ADD COLUMN suspect VARCHAR'],
  },
  {
    version: 11,
    statements: [
      // The tenant rollup (tenant-rollup.ts): the overview's additive aggregates per tenant, UTC
      // hour and LLM model (NULL: spans that are no LLM call), with the hour's run durations for
      // exact quantiles. Written by the compaction sweep for closed hours, so ingest pays nothing;
      // an existing database gets it from its next sweep, and reads scan spans until then.
      // Sums are BIGINT: DuckDB sums HUGEINT columns about 100x slower (a day's 95 k rows: 480 vs 5 ms).
      `CREATE TABLE IF NOT EXISTS tenant_hours (
        hour_ns BIGINT NOT NULL,
        tenant_id VARCHAR NOT NULL,
        model VARCHAR,
        spans BIGINT NOT NULL,
        runs BIGINT NOT NULL,
        failed_runs BIGINT NOT NULL,
        llm_calls BIGINT NOT NULL,
        input_tokens BIGINT NOT NULL,
        output_tokens BIGINT NOT NULL,
        llm_ns BIGINT NOT NULL,
        tool_calls BIGINT NOT NULL,
        tool_errors BIGINT NOT NULL,
        last_seen_ns BIGINT NOT NULL,
        run_ns BIGINT[])`,
      // The hours rolled up, with the span count each had then (a different count: re-roll).
      `CREATE TABLE IF NOT EXISTS tenant_hours_done (
        hour_ns BIGINT PRIMARY KEY,
        row_count BIGINT NOT NULL)`,
    ],
  },
  {
    version: 12,
    statements: [
      // The trace index in one trace_key order across windows (trace-index.ts sortIndex; each
      // sweep that changes it keeps it so): an existing index is sorted once here (10 s at 20 M
      // entries), so look-ups read one row group instead of one per window from the first start.
      // One transaction: a crash between the drop and the rename must not lose the index.
      'BEGIN TRANSACTION',
      'DROP TABLE IF EXISTS trace_index_sorted',
      'CREATE TABLE trace_index_sorted AS SELECT * FROM trace_index ORDER BY trace_key',
      'DROP TABLE trace_index',
      'ALTER TABLE trace_index_sorted RENAME TO trace_index',
      'COMMIT',
    ],
  },
  {
    version: 13,
    statements: [
      // The tenant rollup tenant by tenant within each day (tenant-rollup.ts keeps it so from now
      // on): rolled up hour by hour, a tenant's rows of a day sat in every one of the day's ~50
      // vectors, all decoded by a one-tenant read. Copied through a temporary table so the table
      // keeps its NOT NULL columns; 3 M rows at 100 M spans.
      'BEGIN TRANSACTION',
      // Ordered as it is inserted: an INSERT with an ORDER BY keeps it whatever DuckDB's
      // preserve_insertion_order says, a table read back without one need not.
      'CREATE OR REPLACE TEMP TABLE tenant_hours_sorted AS SELECT * FROM tenant_hours',
      'DELETE FROM tenant_hours',
      `INSERT INTO tenant_hours SELECT * FROM tenant_hours_sorted
       ORDER BY hour_ns // 86400000000000, tenant_id, hour_ns, model`,
      'DROP TABLE tenant_hours_sorted',
      'COMMIT',
    ],
  },
  {
    version: 14,
    statements: [
      // The trace index learns links (trace-index-build.ts): an entry with `linked` says its
      // tenant's spans in that window link to the trace. Windows indexed before (`links` false)
      // are reindexed by the next sweep; until then a trace page searches them as before.
      'ALTER TABLE trace_index ADD COLUMN linked BOOLEAN DEFAULT false',
      'ALTER TABLE trace_index_windows ADD COLUMN links BOOLEAN DEFAULT false',
    ],
  },
];
