import type { AlertDataSource } from '../alerts/source.js';
import type { LogRow, SpanRow, TenantScope } from './types.js';

/** Read side of the storage contract: what the query API, alerts and doctor ask of an engine. */

export interface NsRange {
  fromNs: bigint;
  toNs: bigint;
}

/** USD per million tokens by model. */
export type PriceTable = Record<string, { input: number; output: number }>;

export type TenantSort =
  | 'tenant'
  | 'runs'
  | 'failure_rate'
  | 'p95'
  | 'tokens'
  | 'cost'
  | 'tool_error_rate'
  | 'last_seen';

export interface TenantAggregateRow {
  tenantId: string;
  spans: number;
  runs: number;
  failedRuns: number;
  p50Ns: number | null;
  p95Ns: number | null;
  p99Ns: number | null;
  llmCalls: number;
  inputTokens: number;
  outputTokens: number;
  llmTimeNs: number;
  costUsd: number;
  unpricedModels: string[];
  toolCalls: number;
  toolErrors: number;
  lastSeenNs: bigint | null;
}

export interface TenantListQuery {
  range: NsRange;
  q?: string;
  sort: TenantSort;
  order: 'asc' | 'desc';
  limit: number;
  offset: number;
  prices: PriceTable;
}

export interface FleetTotals {
  tenants: number;
  runs: number;
  inputTokens: number;
  outputTokens: number;
  llmTimeNs: number;
}

/**
 * The fleet totals of the tenants' rows, for when `rows` are every tenant of the scope (a
 * tenant-bound scope's one row, unfiltered): what fleetTotals would sum from the same sources.
 */
export function totalsOf(rows: readonly TenantAggregateRow[]): FleetTotals {
  const t: FleetTotals = {
    tenants: rows.length,
    runs: 0,
    inputTokens: 0,
    outputTokens: 0,
    llmTimeNs: 0,
  };
  for (const r of rows) {
    t.runs += r.runs;
    t.inputTokens += r.inputTokens;
    t.outputTokens += r.outputTokens;
    t.llmTimeNs += r.llmTimeNs;
  }
  return t;
}

export interface BucketRow extends Omit<TenantAggregateRow, 'tenantId' | 'lastSeenNs' | 'spans'> {
  bucket: number;
  llmP95Ns: number | null;
}

export interface RunFilter {
  range: NsRange;
  status?: 'ok' | 'error' | 'unset';
  agent?: string;
  minDurationNs?: bigint;
  q?: string;
  /**
   * Runs with a span carrying this facet value, as the why analysis counts it (a finding's "open
   * the runs"): any span of the run's trace that starts within MAX_RUN_NS of the range.
   */
  finding?: { field: WhyField; value: string };
  limit: number;
  offset: number;
}

export interface RunRow {
  span: SpanRow;
  llmCalls: number;
  inputTokens: number;
  outputTokens: number;
  toolCalls: number;
  toolErrors: number;
  firstError: string | null;
}

export interface SpanFilter {
  range: NsRange;
  name?: string;
  tool?: string;
  model?: string;
  status?: 'ok' | 'error' | 'unset';
  attributes: Array<{ key: string; value: string }>;
  limit: number;
  offset: number;
}

export interface LogFilter {
  range: NsRange;
  minSeverity?: number;
  q?: string;
  traceId?: string;
  agent?: string;
  limit: number;
  offset: number;
}

export interface DoctorExample {
  tenantId: string;
  traceId: string;
  spanId: string | null;
  name: string | null;
  detail: string;
}

export interface DoctorCounts {
  orphanSpans: { count: number; examples: DoctorExample[] };
  missingTenant: { count: number; examples: DoctorExample[] };
  mixedTenantTraces: { count: number; examples: DoctorExample[] };
  unfinishedRuns: { count: number; examples: DoctorExample[] };
}

/**
 * How far before and after a trace the spans that link to it are looked for: traces that link to
 * one (sub-agents consumed from a queue) start after it and, in practice, within the hour; the
 * bound keeps the search from scanning all of a tenant's history. The same on every engine and in
 * the trace page, which asks again when the engine's read-ahead did not cover its own window.
 */
export const LINKING_WITHIN_NS = 3_600_000_000_000n;

/** A span of another trace whose links name the trace being read. */
export interface LinkingSpan {
  tenantId: string;
  traceId: string;
  name: string;
  startNs: bigint;
}

export interface TraceRead {
  spans: SpanRow[];
  /** The trace's logs in each tenant of `spans`, by time. */
  logs: LogRow[];
  /**
   * Every span in scope, outside the trace, whose links name it and that starts within `within`
   * (read beside the spans, before the trace's own time was known); null when the engine did not
   * look, or found more than it reads ahead (the caller asks linkedTraces instead).
   */
  linking: { within: NsRange[]; spans: LinkingSpan[] } | null;
}

export interface ReadStore extends AlertDataSource, WhyStore {
  tenantAggregates(scope: TenantScope, query: TenantListQuery): Promise<TenantAggregateRow[]>;
  fleetTotals(scope: TenantScope, range: NsRange): Promise<FleetTotals>;
  /** Buckets of `stepNs` aligned to multiples of the step since the epoch. */
  tenantBuckets(
    tenantId: string,
    range: NsRange,
    stepNs: bigint,
    prices: PriceTable,
  ): Promise<BucketRow[]>;
  listRuns(scope: TenantScope, filter: RunFilter): Promise<RunRow[]>;
  /** Every span of a trace visible in scope (none when the trace is another tenant's). */
  traceSpans(scope: TenantScope, traceId: string): Promise<SpanRow[]>;
  traceLogs(scope: TenantScope, traceId: string): Promise<LogRow[]>;
  /**
   * What a trace's page reads, each engine as early as it can: its spans (as traceSpans), the
   * logs of every tenant they were found in, and, when the engine could look before it had the
   * spans, the spans of other traces that link to it (see TraceRead).
   */
  readTrace(scope: TenantScope, traceId: string): Promise<TraceRead>;
  /** Root span names of the given traces, in scope, plus traces that link to `traceId`. */
  linkedTraces(
    scope: TenantScope,
    traceId: string,
    linksTo: string[],
    /** Where to look for traces that link here (they start around this trace); engines may scan wider. */
    window?: NsRange,
  ): Promise<Array<{ traceId: string; rootName: string; relation: 'links_to' | 'linked_from' }>>;
  searchSpans(scope: TenantScope, filter: SpanFilter): Promise<SpanRow[]>;
  searchLogs(scope: TenantScope, filter: LogFilter): Promise<LogRow[]>;
  doctor(scope: TenantScope, range: NsRange, settledBeforeNs: bigint): Promise<DoctorCounts>;
}

/**
 * "What failing runs share" (query/why.ts). A run is a trace with at least one run span starting
 * in the range; it failed when one of its run spans has status ERROR. Facets are the low-cardinality
 * columns of every span in those runs (WHY_FIELDS), counted once per run.
 */
/**
 * How far a run's child may start before its root in the runs list: a child made on another host
 * (a worker behind an HTTP hop or a queue) carries that host's clock, which may run behind.
 */
export const CHILD_CLOCK_SKEW_NS = 300_000_000_000n;
/** How long after its root's start a run's children are looked for in the runs list. */
const CHILDREN_AFTER_NS = 3_600_000_000_000n;

/** The start times a page of runs' children are read within, on every engine: [fromNs, toNs). */
export function childrenWindow(rootStarts: readonly bigint[]): { fromNs: bigint; toNs: bigint } {
  const { min, max } = startBounds(rootStarts);
  return { fromNs: min - CHILD_CLOCK_SKEW_NS, toNs: max + CHILDREN_AFTER_NS };
}

/** The earliest and latest of some start times (at least one). */
export function startBounds(starts: readonly bigint[]): { min: bigint; max: bigint } {
  let min = starts[0]!;
  let max = min;
  for (const s of starts) {
    if (s < min) min = s;
    if (s > max) max = s;
  }
  return { min, max };
}

export const WHY_FIELDS = [
  'span.name',
  'failed.span',
  'tool.name',
  'failed.tool',
  'error.type',
  'status.message',
  'operation',
  'model',
  'provider',
  'agent.name',
  'service.name',
  'service.version',
  'deployment.environment.name',
] as const;
export type WhyField = (typeof WHY_FIELDS)[number];

/**
 * Which runs are compared with the rest: those that failed (a run span with status ERROR), or
 * those a user or evaluator scored negatively (a score below 0.5 on the run, storage/score-types.ts).
 */
export type WhyCohort = 'failed' | 'negative_feedback';

export interface WhyQuery {
  range: NsRange;
  /** Default 'failed'; `failed`/`failedRuns` in the answer then count the cohort's runs. */
  cohort?: WhyCohort;
  /** At most this many values per field, the most frequent in failing runs first. */
  perField: number;
  /**
   * With a step, the answer also has `series`: the runs per bucket of this many ns (aligned to
   * multiples of the step since the epoch), as the same pass counted them.
   */
  stepNs?: bigint;
}

export interface WhyFacetRow {
  field: WhyField;
  value: string;
  /** Failing / passing runs with at least one span carrying this value. */
  failed: number;
  passed: number;
  /** Earliest / latest start of such a span in the range. */
  firstSeenNs: bigint;
  lastSeenNs: bigint;
  /** The latest failing / passing run carrying it (for links), null when none. */
  failedTraceId: string | null;
  passedTraceId: string | null;
  /**
   * service.version rows only: the service.name of the resource that carried the version (the one
   * with the most spans of that version; ties in byte order), null when those spans had none.
   */
  serviceName?: string | null;
}

/** The runs whose first run span started in one bucket, and those of them in the cohort. */
export interface WhyBucketRow {
  bucketMs: number;
  runs: number;
  failedRuns: number;
}

export interface WhyCounts {
  runs: number;
  failedRuns: number;
  facets: WhyFacetRow[];
  /** With `stepNs` in the query: non-empty buckets in time order, summing to runs / failedRuns. */
  series?: WhyBucketRow[];
}

export interface WhyStore {
  /** Facet counts of one tenant's failing vs passing runs in the range. */
  whyFacets(tenantId: string, query: WhyQuery): Promise<WhyCounts>;
}
