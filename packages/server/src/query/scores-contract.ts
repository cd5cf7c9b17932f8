import type { Page, TimeRange } from './contract.js';

/**
 * Scores and feedback on runs (re-exported by contract.ts; additive-only like the rest of the
 * contract). Scores are 0..1 (1 right, 0 wrong); a score is negative below 0.5.
 */

/** One score, as POST /api/v1/scores answers it and GET /api/v1/tenants/:tenant/scores lists it. */
export interface ScoreView {
  scoreId: string;
  tenantId: string;
  time: string;
  timeUnixNano: string;
  /** The run scored; null when the score names none. */
  traceId: string | null;
  spanId: string | null;
  name: string;
  value: number;
  negative: boolean;
  label: string | null;
  /** Redacted at ingest like every other text. */
  comment: string | null;
  source: 'otlp' | 'api';
}

/** POST /api/v1/scores (201). */
export interface ScoreCreatedResponse {
  score: ScoreView;
}

/** GET /api/v1/tenants/:tenant/scores — newest first. */
export interface ScoresResponse extends Page<ScoreView> {
  tenantId: string;
  range: TimeRange;
}

/** A tenant's feedback over the range (GET /api/v1/tenants: `feedback` of each summary). */
export interface FeedbackSummary {
  /** Scores received in the range (by the time they were given, not the run's). */
  count: number;
  negative: number;
  /** negative / count, 0..1; null when count = 0. */
  negativeShare: number | null;
  /** Mean of the values, 0..1; null when count = 0. */
  meanScore: number | null;
}
