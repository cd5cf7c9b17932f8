import type { AlertStore } from './alert-types.js';
import type { ChangeEventStore } from './change-event-types.js';
import type { SpanLines } from './clickhouse/span-lines.js';
import type { PendingSpanColumns } from './pending-span-columns.js';
import type { ScoreRow, ScoreStore } from './score-types.js';
import type { SpanColumns } from './span-columns.js';
import type { TraceClaim } from './trace-claims.js';

/**
 * The storage contract. Every engine (DuckDB embedded default, ClickHouse for scale-out)
 * implements `Storage`, and one contract suite (storage/contract.test-helper.ts) runs against each.
 *
 * Rules every adapter keeps:
 * - `tenant_id` is a column of every table and leads every sort key / ORDER BY.
 * - A write promise resolves only once its rows are durably committed; ingest acknowledges
 *   the OTLP request only after that.
 * - Spans are idempotent on (tenant_id, trace_id, span_id): a resent duplicate never double-counts.
 * - Every read takes a `TenantScope`; a scope bound to a tenant can never see another tenant's rows.
 */

/** Which tenants a caller may see. `tenantId: null` means all tenants (admin / platform read key). */
export interface TenantScope {
  readonly tenantId: string | null;
}

export type AttributeValue =
  | string
  | number
  | boolean
  | null
  | AttributeValue[]
  | { [key: string]: AttributeValue };
export type Attributes = Record<string, AttributeValue>;

export interface SpanEventRow {
  timeUnixNano: bigint;
  name: string;
  attributes: Attributes;
}

export interface SpanLinkRow {
  traceId: string;
  spanId: string;
  attributes: Attributes;
}

/** One span as stored. Hot fields are typed columns; the rest stays in `attributes`. */
export interface SpanRow {
  tenantId: string;
  /** 32 lowercase hex chars. */
  traceId: string;
  /** 16 lowercase hex chars. */
  spanId: string;
  /** Empty string for a root span. */
  parentSpanId: string;
  name: string;
  /** OTLP SpanKind number (0 unspecified, 1 internal, 2 server, 3 client, 4 producer, 5 consumer). */
  kind: number;
  startTimeUnixNano: bigint;
  endTimeUnixNano: bigint;
  durationNs: bigint;
  /** OTLP status code: 0 unset, 1 ok, 2 error. */
  statusCode: number;
  statusMessage: string;
  serviceName: string;
  scopeName: string;
  agentId: string | null;
  agentName: string | null;
  /**
   * invoke_agent, chat, execute_tool, embeddings, memory, retrieval, workflow, ...: from
   * gen_ai.operation.name or another convention's span kind (ingest/conventions).
   */
  operation: string | null;
  /** gen_ai.request.model (falls back to gen_ai.response.model), or another convention's model. */
  model: string | null;
  /** gen_ai.provider.name (falls back to gen_ai.system). */
  provider: string | null;
  inputTokens: number | null;
  outputTokens: number | null;
  toolName: string | null;
  errorType: string | null;
  /** True for a run: a trace's root span, or one marked tenantry.run.root, unless marked tenantry.run.delegated. */
  isRun: boolean;
  userId: string | null;
  conversationId: string | null;
  attributes: Attributes;
  resourceAttributes: Attributes;
  events: SpanEventRow[];
  links: SpanLinkRow[];
}

export interface LogRow {
  tenantId: string;
  timeUnixNano: bigint;
  observedTimeUnixNano: bigint;
  /** Empty string when the record carries no trace context. */
  traceId: string;
  spanId: string;
  severityNumber: number;
  severityText: string;
  body: string;
  serviceName: string;
  agentId: string | null;
  attributes: Attributes;
  resourceAttributes: Attributes;
  /**
   * Set when the record is a `gen_ai.evaluation.result` event (ingest/scores.ts): the engine stores
   * the score in the same transaction as the record.
   */
  score?: ScoreRow;
}

export type MetricKind = 'sum' | 'gauge' | 'histogram' | 'exponential_histogram' | 'summary';

/** One metric data point. Histograms keep count/sum/bounds/bucket counts; sums and gauges `value`. */
export interface MetricPointRow {
  tenantId: string;
  name: string;
  kind: MetricKind;
  unit: string;
  /** 1 delta, 2 cumulative, 0 unspecified/gauge. */
  temporality: number;
  isMonotonic: boolean;
  startTimeUnixNano: bigint;
  timeUnixNano: bigint;
  value: number | null;
  count: number | null;
  sum: number | null;
  min: number | null;
  max: number | null;
  explicitBounds: number[];
  bucketCounts: number[];
  serviceName: string;
  attributes: Attributes;
  resourceAttributes: Attributes;
}

export interface WriteBatch {
  spans: SpanRow[];
  logs: LogRow[];
  metrics: MetricPointRow[];
  /**
   * Spans whose tenant is their trace's and not yet known (`tenantId` ''): the engine gives them
   * the tenant of a claim on their trace, stored or in this batch, or parks them until one arrives
   * (see TraceTenantStore).
   */
  pendingSpans?: SpanRow[];
  /**
   * More such spans, as columns an ingest worker encoded with the tenant left to fill in
   * (storage/pending-span-columns.ts): the embedded DuckDB only, as `spanColumns`.
   */
  pendingSpanColumns?: PendingSpanColumns[];
  /** The tenants stated for traces by this batch's spans (storage/trace-claims.ts). */
  traceClaims?: TraceClaim[];
  /**
   * More spans, as columns an ingest worker encoded (storage/span-columns.ts): the embedded
   * DuckDB appends them a vector at a time. Engines that take rows only never get them.
   */
  spanColumns?: SpanColumns[];
  /**
   * More spans, as the lines of ClickHouse's insert an ingest worker encoded
   * (clickhouse/span-lines.ts). The embedded DuckDB never gets them.
   */
  spanLines?: SpanLines[];
  /**
   * The last ingest-journal record these rows come from (storage/journal): an engine that keeps a
   * journal stores it in the same transaction, so a restart replays only what came after.
   */
  journalSeq?: number;
}

export interface WriteResult {
  spansWritten: number;
  /** Spans parked until their trace's tenant is known (counted once they settle, not here). */
  spansParked?: number;
  /** Spans skipped because (tenant, trace, span) was already stored. */
  spansDuplicate: number;
  logsWritten: number;
  metricsWritten: number;
}

export interface DeleteCounts {
  spans: number;
  logs: number;
  metrics: number;
  alertEvents: number;
  /** Scores and feedback (storage/score-types.ts). */
  scores: number;
  /** Deploy / config-change markers (POST /api/v1/events). */
  events: number;
}

/**
 * Trace-level tenants: parked spans wait, by trace id, for a claim on their trace (hold by trace id,
 * as the OpenTelemetry Collector's groupbytrace processor does), durably and visible to no tenant.
 */
export interface TraceTenantStore {
  /**
   * Gives parked spans whose trace now has a claim their tenant, and those parked before
   * `expireBeforeNs` with still none `_unassigned`; forgets claims older than `forgetClaimsBeforeNs`.
   * Idempotent; safe on several servers at once.
   */
  settleParkedSpans(options: SettleOptions): Promise<SettleReport>;
  /** Spans parked now, and when the oldest was parked (0 when none). */
  parkedSpans(): Promise<{ count: number; oldestParkedNs: bigint }>;
}

export interface SettleOptions {
  nowNs: bigint;
  expireBeforeNs: bigint;
  forgetClaimsBeforeNs: bigint;
}

export interface SettleReport {
  adopted: number;
  expired: number;
}

/** Write side: used by the ingest pipeline's batching writer. */
export interface WriteStore {
  write(batch: WriteBatch): Promise<WriteResult>;
}

/** How a held transaction ended: committed through a journal record, or rolled back whole. */
export type HeldEnd = { committed: true; seq: number } | { committed: false; error: Error };

/**
 * One transaction kept open across ingest batches, so that a commit holds a whole row group
 * (storage/journal). Nothing in it is visible or durable before its commit, which comes when the
 * journal asks or when another writer needs the connection.
 */
export interface HeldTransaction {
  /**
   * Appends the batch `take()` returns into the open transaction, opening one; `take` runs once
   * the write connection is this call's, and may return null (nothing to append). If the append
   * fails the whole transaction is rolled back (`onEnd` is told) and the promise rejects.
   */
  append(take: () => WriteBatch | null): Promise<WriteResult | null>;
  /** Commits the open transaction, if any; on failure it is rolled back and this rejects. */
  commit(): Promise<void>;
  /** Rows appended into the open transaction. */
  readonly heldRows: number;
  /** Told on the write connection each time the open transaction ends, whoever ended it. */
  onEnd(listener: (end: HeldEnd) => void): void;
}

/** Retention and erasure. */
export interface LifecycleStore {
  /** Removes rows of `tenantId` older than `cutoffUnixNano`. */
  deleteOlderThan(tenantId: string, cutoffUnixNano: bigint): Promise<DeleteCounts>;
  /** Removes all rows of a tenant (spans, logs, metrics, alert history, change events). Idempotent. */
  deleteTenant(tenantId: string): Promise<DeleteCounts>;
  /** Removes the runs (whole traces) of one end user (`user.id`) and their logs. */
  deleteUser(tenantId: string, userId: string): Promise<DeleteCounts>;
  /** Distinct tenants present in storage (for retention sweeps and alert evaluation). */
  listTenantIds(): Promise<string[]>;
}

export interface ApiKeyRecord {
  id: string;
  /** Hex SHA-256 of the secret; the secret itself is never stored. */
  hash: string;
  /** First characters of the secret, shown in listings so a human can tell keys apart. */
  prefix: string;
  kind: 'admin' | 'ingest' | 'read';
  tenantId: string | null;
  name: string;
  createdAt: string;
  revokedAt: string | null;
}

/** API keys live in the storage backend so that several stateless servers share them. */
export interface KeyStore {
  insertKey(key: ApiKeyRecord): Promise<void>;
  listKeys(): Promise<ApiKeyRecord[]>;
  findKeyByHash(hash: string): Promise<ApiKeyRecord | null>;
  revokeKey(id: string, revokedAt: string): Promise<boolean>;
}

/** One compaction sweep (see storage/duckdb/compact.ts). */
export interface CompactionOptions {
  /** Window length in nanoseconds; windows are aligned to the Unix epoch (UTC days for 24 h). */
  windowNs: bigint;
  /** Only windows that end at or before this instant are rewritten: they no longer get rows. */
  closedBeforeNs: bigint;
  /** Upper bound on rows moved by one transaction, so ingest commits never wait long. */
  maxRowsPerTransaction: number;
  /** Stops the sweep between two transactions (server shutdown). */
  signal?: AbortSignal;
  /** When the sweep runs, on the caller's clock; recorded with each rewritten window. */
  nowMs?: number;
  /**
   * A window already rewritten is rewritten again once the rows that arrived after it (late spans,
   * a backfill) pass this fraction of the rows it had then.
   */
  lateRowsFraction: number;
}

export interface CompactionReport {
  /** Windows rewritten by this sweep (per table). */
  windows: number;
  rows: number;
  transactions: number;
}

/** Rewrites closed time windows so that rows are stored sorted by (tenant_id, time). */
export interface CompactionStore {
  compactClosedWindows(options: CompactionOptions): Promise<CompactionReport>;
}

export interface StorageEngineInfo {
  engine: 'duckdb' | 'clickhouse';
  version: string;
}

/**
 * The whole storage surface. The read side (`ReadStore`, in storage/read-types.ts) is owned by the
 * query API and added to this interface there.
 */
export interface StorageBase
  extends WriteStore,
    LifecycleStore,
    KeyStore,
    AlertStore,
    TraceTenantStore,
    ScoreStore,
    ChangeEventStore,
    Partial<CompactionStore> {
  info(): StorageEngineInfo;
  /**
   * Engines that store `WriteBatch.journalSeq` with their rows (the embedded DuckDB) return the last
   * one committed, and the server puts the ingest journal in front of them (storage/journal).
   */
  appliedJournalSeq?(): Promise<number>;
  /** Engines that can keep one ingest transaction open across journal flushes (DuckDB). */
  heldTransaction?: HeldTransaction;
  /** Creates or migrates the schema. Safe to call on every start. */
  migrate(): Promise<void>;
  close(): Promise<void>;
}

// Alert state and change events are typed in files of their own; re-exported for importers.
export type * from './alert-types.js';
export type * from './change-event-types.js';
