import type { NsRange } from './read-types.js';
import type { TenantScope } from './types.js';

/**
 * Scores and feedback on runs ("answers users marked wrong"). One score is one judgement of one
 * run: a user's thumbs-down, a reviewer's grade, an LLM judge's verdict. They arrive as OTLP log
 * records of the OpenTelemetry GenAI event `gen_ai.evaluation.result` (ingest/scores.ts) or through
 * POST /api/v1/scores, and are stored per tenant like every other row.
 *
 * The scale is 0..1: 1 is fully right (thumbs up), 0 is wrong (thumbs down). A score is negative
 * below 0.5; a run is negatively scored when at least one of its scores is.
 */
export const NEGATIVE_BELOW = 0.5;

export const isNegativeScore = (value: number) => value < NEGATIVE_BELOW;

export interface ScoreRow {
  tenantId: string;
  /** Random, given when the score is received; what the API answers and lists. */
  scoreId: string;
  timeUnixNano: bigint;
  /** The run's trace (32 lowercase hex chars); '' when the score names no run. */
  traceId: string;
  /** The span scored (16 lowercase hex chars); '' for the run as a whole. */
  spanId: string;
  /** gen_ai.evaluation.name: what was judged ('user_feedback' from the SDK). */
  name: string;
  /** 0..1. */
  value: number;
  /** gen_ai.evaluation.score.label, e.g. 'wrong', 'correct'. */
  label: string | null;
  /** gen_ai.evaluation.explanation, redacted like every other text at ingest. */
  comment: string | null;
  /** How it arrived. */
  source: 'otlp' | 'api';
}

export interface ScoreQuery {
  range: NsRange;
  /** Only the scores of this run. */
  traceId?: string;
  limit: number;
  offset: number;
}

/** One tenant's scores over a range, or over one bucket of it. */
export interface FeedbackStats {
  tenantId: string;
  scores: number;
  negative: number;
  /** Sum of the values: mean = valueSum / scores. */
  valueSum: number;
  /** The latest negatively scored run in the range, for links; null when none. */
  exampleNegativeTraceId: string | null;
}

export interface FeedbackBucket extends Omit<FeedbackStats, 'tenantId' | 'exampleNegativeTraceId'> {
  /** Bucket start, epoch ms, aligned to multiples of the step. */
  bucket: number;
}

/** Scores live with the telemetry: listed per tenant, erased with it, kept as long as its data. */
export interface ScoreStore {
  /** Stores scores sent to the API (OTLP scores are written with their log records). */
  insertScores(rows: ScoreRow[]): Promise<void>;
  /** Scores with `fromNs <= time < toNs`, newest first; never another tenant's. */
  listScores(scope: TenantScope, query: ScoreQuery): Promise<ScoreRow[]>;
  /** Per-tenant counts over the range; tenants without scores are left out. */
  feedbackStats(
    scope: TenantScope,
    range: NsRange,
    tenantIds?: readonly string[],
  ): Promise<FeedbackStats[]>;
  /** One tenant's counts in buckets of `stepNs` aligned to multiples of the step since the epoch. */
  feedbackBuckets(tenantId: string, range: NsRange, stepNs: bigint): Promise<FeedbackBucket[]>;
}
