/**
 * Response shapes of the HTTP query API (/api/v1/...). The dashboard, the alert engine's links and
 * the CLI all read these, so they are a contract: change them only additively.
 *
 * Conventions:
 * - Times in requests: `from`/`to` accept ISO 8601 or epoch milliseconds; in responses, times are
 *   ISO 8601 strings (ms precision) plus `*UnixNano` strings where exact ns matter.
 * - Durations are milliseconds (floating point).
 * - Lists page with an opaque `cursor`; `nextCursor` is null on the last page.
 * - Errors: HTTP status + `{"error":{"code":"TENANTRY_E_...","message":"..."}}`.
 */

import type { FeedbackSummary } from './scores-contract.js';

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface TimeRange {
  from: string;
  to: string;
}

/** Cost of one model's tokens; `unpriced` when the model has no entry in the price table. */
export interface CostBreakdown {
  /** USD, summed over priced models only. */
  usd: number;
  /** Models seen with tokens but no price: their cost is unknown, never zero. */
  unpricedModels: string[];
}

/** GET /api/v1/tenants */
export interface TenantSummary {
  tenantId: string;
  /** Every span stored for the tenant in the range (runs, LLM calls, tools, anything else). */
  spans: number;
  runs: number;
  failedRuns: number;
  /** failedRuns / runs, 0..1; null when runs = 0. */
  failureRate: number | null;
  runLatencyMs: { p50: number | null; p95: number | null; p99: number | null };
  llmCalls: number;
  inputTokens: number;
  outputTokens: number;
  cost: CostBreakdown;
  /** Sum of LLM span durations (ms): with tokens, the basis of a tenant's share of the shared LLM. */
  llmTimeMs: number;
  toolCalls: number;
  toolErrors: number;
  toolErrorRate: number | null;
  lastSeen: string | null;
  /** Scores and feedback given in the range (scores-contract.ts). */
  feedback: FeedbackSummary;
}

export interface TenantsResponse extends Page<TenantSummary> {
  range: TimeRange;
  /** Fleet totals over the same range, for share-of-tokens / share-of-LLM-time columns. */
  fleet: {
    tenants: number;
    inputTokens: number;
    outputTokens: number;
    llmTimeMs: number;
    runs: number;
  };
}

export type TimeseriesMetric =
  | 'runs'
  | 'failure_rate'
  | 'run_latency_p50'
  | 'run_latency_p95'
  | 'run_latency_p99'
  | 'tokens_input'
  | 'tokens_output'
  | 'cost'
  | 'tool_calls'
  | 'tool_error_rate'
  | 'llm_latency_p95'
  /** Scores given in each bucket, their negative share and mean (null where none). */
  | 'feedback_count'
  | 'negative_feedback_share'
  | 'mean_score';

/** GET /api/v1/tenants/:tenant/timeseries — `step` in seconds (>= 10), or `step=1d` for daily totals. */
export interface TimeseriesResponse {
  tenantId: string;
  range: TimeRange;
  stepSeconds: number;
  /** Bucket start times, epoch ms, aligned to `stepSeconds` (UTC days for daily). */
  timestamps: number[];
  /** One array per requested metric, same length as `timestamps`; null where undefined (no runs). */
  series: Partial<Record<TimeseriesMetric, (number | null)[]>>;
}

export type RunStatus = 'ok' | 'error' | 'unset';

/** GET /api/v1/runs */
export interface RunSummary {
  tenantId: string;
  traceId: string;
  spanId: string;
  name: string;
  agentId: string | null;
  agentName: string | null;
  userId: string | null;
  conversationId: string | null;
  serviceName: string;
  startTime: string;
  durationMs: number;
  status: RunStatus;
  inputTokens: number;
  outputTokens: number;
  llmCalls: number;
  toolCalls: number;
  toolErrors: number;
  /** The first error message in the run (status message or exception.message), redacted. */
  firstError: string | null;
}

export interface SpanEventView {
  time: string;
  timeUnixNano: string;
  name: string;
  attributes: Record<string, unknown>;
}

export interface SpanLinkView {
  traceId: string;
  spanId: string;
  attributes: Record<string, unknown>;
}

export interface LogView {
  tenantId: string;
  time: string;
  timeUnixNano: string;
  severityNumber: number;
  severityText: string;
  body: string;
  traceId: string | null;
  spanId: string | null;
  serviceName: string;
  agentId: string | null;
  attributes: Record<string, unknown>;
}

/** Kind of span as the dashboard colours it. */
export type SpanCategory = 'agent' | 'llm' | 'tool' | 'memory' | 'retrieval' | 'http' | 'other';

export interface SpanView {
  tenantId: string;
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  name: string;
  kind: number;
  category: SpanCategory;
  startTime: string;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  durationMs: number;
  status: RunStatus;
  statusMessage: string | null;
  serviceName: string;
  operation: string | null;
  model: string | null;
  provider: string | null;
  toolName: string | null;
  errorType: string | null;
  inputTokens: number | null;
  outputTokens: number | null;
  attributes: Record<string, unknown>;
  resourceAttributes: Record<string, unknown>;
  events: SpanEventView[];
  links: SpanLinkView[];
  /** Logs whose span_id is this span. */
  logs: LogView[];
}

/** GET /api/v1/traces/:traceId — 404 for a missing trace and for another tenant's, identically. */
export interface TraceResponse {
  traceId: string;
  tenantId: string;
  /**
   * Every tenant with spans under this trace id, for an admin: a trace is (tenant, trace id), and
   * another tenant's spans are read with `?tenant=`.
   */
  tenants: string[];
  spans: SpanView[];
  /** Runs (invoke_agent roots) in the trace, with tokens summed over their subtree. */
  runs: Array<{ spanId: string; inputTokens: number; outputTokens: number }>;
  /** Other traces this trace links to or is linked from (sub-agents started on a queue), same tenant. */
  linkedTraces: Array<{ traceId: string; rootName: string; relation: 'links_to' | 'linked_from' }>;
  /** Logs with this trace id but no matching span. */
  unattachedLogs: LogView[];
}

/** GET /api/v1/spans */
export type SpansResponse = Page<Omit<SpanView, 'logs' | 'events' | 'links'>>;

/** GET /api/v1/logs */
export type LogsResponse = Page<LogView>;

/** GET /api/v1/doctor */
export interface DoctorFinding {
  kind:
    | 'orphan_span'
    | 'missing_tenant'
    | 'mixed_tenant_trace'
    | 'unfinished_run'
    | 'waiting_for_trace_tenant';
  severity: 'critical' | 'warning';
  count: number;
  /** Up to 10 examples, each linkable in the dashboard. */
  examples: Array<{
    tenantId: string;
    traceId: string;
    spanId: string | null;
    name: string | null;
    detail: string;
  }>;
  /** What usually causes it and how to fix it. */
  hint: string;
}

export interface DoctorResponse {
  range: TimeRange;
  tenantId: string | null;
  findings: DoctorFinding[];
  /**
   * Spans that started in the last `graceMs` (query `graceMs`, default 60000) are not judged: their
   * parent or root may still be on its way. Judged: spans that started before `settledBefore`.
   */
  graceMs: number;
  settledBefore: string;
}

/** DELETE /api/v1/tenants/:tenant and /api/v1/tenants/:tenant/users/:userId */
export interface DeleteResponse {
  tenantId: string;
  userId?: string;
  deleted: {
    spans: number;
    logs: number;
    metrics: number;
    alertEvents: number;
    scores: number;
    events: number;
  };
}

/** GET /api/v1/whoami — what the presented key may do; the dashboard locks the tenant filter with it. */
export interface WhoAmIResponse {
  keyId: string;
  kind: 'admin' | 'ingest' | 'read';
  tenantId: string | null;
}

// ---- alerts (issue: per-tenant alerting) ----

export type AlertState = 'inactive' | 'pending' | 'firing' | 'resolved';
export type AlertSeverity = 'critical' | 'warning' | 'info';

/** GET /api/v1/alerts */
export interface AlertView {
  id: string;
  ruleId: string;
  ruleName: string;
  ruleKind: string;
  tenantId: string;
  state: AlertState;
  severity: AlertSeverity;
  value: number;
  threshold: number;
  windowSeconds: number;
  since: string;
  lastEvaluated: string;
  labels: Record<string, string>;
  summary: string;
  dashboardUrl: string;
  exampleTraceId: string | null;
  /**
   * On a firing alert: what the failing runs share and what changed, as its firing notification
   * carried it (computed once, when it began firing); null while pending, when none was found, and
   * in the moment it is being named (at most a few seconds after the alert began firing).
   */
  suspect: AlertSuspect | null;
}

/** One thing failing runs share (a field's value), with how many failing and passing runs have it. */
export interface AlertSuspectFinding {
  field: string;
  value: string;
  failingRuns: number;
  passingRuns: number;
}

/** "The alert names the suspect": the top findings of the tenant's why over the alert's window. */
export interface AlertSuspect {
  /** e.g. "tool get_account_data failed with StaleCacheError in 13 of 13 failed runs and 0 of 41 passing; since support-platform 1.8.0 (...)". */
  summary: string;
  failedRuns: number;
  passedRuns: number;
  findings: AlertSuspectFinding[];
  /** A new service.version / deployment.environment.name the failures followed, if any. */
  change: { field: string; value: string; firstSeen: string } | null;
  failingTraceId: string | null;
  passingTraceId: string | null;
  failingTraceUrl: string | null;
  passingTraceUrl: string | null;
}

export interface AlertsResponse {
  items: AlertView[];
}

/** GET /api/v1/alerts/history */
export interface AlertTransitionView {
  ruleId: string;
  tenantId: string;
  from: AlertState;
  to: AlertState;
  at: string;
  value: number;
  threshold: number;
}

export type AlertHistoryResponse = Page<AlertTransitionView>;
export type * from '../events/contract.js';
export type * from './scores-contract.js';
export type * from './why-contract.js';
