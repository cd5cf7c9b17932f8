import { randomUUID } from 'node:crypto';
import type { DecodedLog } from '../otlp/model.js';
import type { ScoreRow } from '../storage/score-types.js';
import { isNegativeScore } from '../storage/score-types.js';
import type { Attributes } from '../storage/types.js';
import type { ServerMetrics } from '../telemetry/registry.js';

/**
 * Scores from OTLP logs. A score is a log record of the OpenTelemetry GenAI event
 * `gen_ai.evaluation.result`, parented to the run it judges (the record's trace and span ids):
 *
 * | attribute                       | score field                          |
 * | ------------------------------- | ------------------------------------ |
 * | `gen_ai.evaluation.name`        | name (required)                      |
 * | `gen_ai.evaluation.score.value` | value, 0..1 (required here)          |
 * | `gen_ai.evaluation.score.label` | label                                |
 * | `gen_ai.evaluation.explanation` | comment                              |
 * | `tenantry.trace_id`             | the run, when the record has no span |
 *
 * The record's `event_name` is not what decides: OTLP decoding does not keep it, and the convention
 * requires `gen_ai.evaluation.name`, so a record carrying a name and a value is a score whichever
 * way its SDK spelled the event. A value outside 0..1 (another scale) is no score: the record is
 * still stored as a log, so nothing is lost.
 */
export const EVALUATION_EVENT = 'gen_ai.evaluation.result';
export const ATTR_EVALUATION_NAME = 'gen_ai.evaluation.name';
export const ATTR_SCORE_VALUE = 'gen_ai.evaluation.score.value';
export const ATTR_SCORE_LABEL = 'gen_ai.evaluation.score.label';
export const ATTR_EXPLANATION = 'gen_ai.evaluation.explanation';
/** The run a score is about when its SDK knew the trace but not a span to parent the record to. */
export const ATTR_SCORE_TRACE_ID = 'tenantry.trace_id';

export const MAX_SCORE_NAME = 128;
export const MAX_SCORE_LABEL = 128;

const TRACE_ID = /^[0-9a-f]{32}$/;

/**
 * The score a log record carries, or undefined. `attributes` are the record's after limits and
 * redaction, so the comment is stored as redacted as the log itself.
 */
export function scoreOfLog(
  tenantId: string,
  log: DecodedLog,
  attributes: Attributes,
  timeUnixNano: bigint,
): ScoreRow | undefined {
  const name = attributes[ATTR_EVALUATION_NAME];
  if (typeof name !== 'string' || name === '') return undefined;
  const value = scoreValue(attributes[ATTR_SCORE_VALUE]);
  if (value === undefined) return undefined;
  const label = attributes[ATTR_SCORE_LABEL];
  const comment = attributes[ATTR_EXPLANATION];
  const stated = attributes[ATTR_SCORE_TRACE_ID];
  const traceId =
    log.traceId !== ''
      ? log.traceId
      : typeof stated === 'string' && TRACE_ID.test(stated)
        ? stated
        : '';
  return {
    tenantId,
    scoreId: randomUUID(),
    timeUnixNano,
    traceId,
    spanId: log.traceId !== '' ? log.spanId : '',
    name: name.slice(0, MAX_SCORE_NAME),
    value,
    label: typeof label === 'string' && label !== '' ? label.slice(0, MAX_SCORE_LABEL) : null,
    comment: typeof comment === 'string' && comment !== '' ? comment : null,
    source: 'otlp',
  };
}

/** A number in 0..1 (OTLP sends a double; JSON encoders may send a numeric string or a boolean). */
function scoreValue(v: unknown): number | undefined {
  const n =
    typeof v === 'number'
      ? v
      : typeof v === 'boolean'
        ? Number(v)
        : typeof v === 'string' && v.trim() !== ''
          ? Number(v)
          : Number.NaN;
  return Number.isFinite(n) && n >= 0 && n <= 1 ? n : undefined;
}

/**
 * Per-tenant feedback in /metrics, counted once the scores are durable (after the commit), from
 * the OTLP path and the API alike: mean score = score_sum / scores, negative share =
 * scores{negative="true"} / scores.
 */
export function countScores(metrics: ServerMetrics, scores: readonly ScoreRow[]): void {
  for (const s of scores) {
    metrics.feedbackScores.inc({ tenant: s.tenantId, negative: String(isNegativeScore(s.value)) });
    metrics.feedbackScoreSum.inc({ tenant: s.tenantId }, s.value);
  }
}
