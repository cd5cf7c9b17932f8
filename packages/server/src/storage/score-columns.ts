import { big, type ColumnRow, num, strOrNull } from './columns.js';
import type { FeedbackBucket, FeedbackStats, ScoreRow } from './score-types.js';

/** Score rows as both engines store and return them (column names shared by their schemas). */

export function scoreToColumns(s: ScoreRow) {
  return {
    tenant_id: s.tenantId,
    score_id: s.scoreId,
    time_ns: s.timeUnixNano.toString(),
    trace_id: s.traceId,
    span_id: s.spanId,
    name: s.name,
    value: s.value,
    label: s.label,
    comment: s.comment,
    source: s.source,
  };
}

export function scoreFromColumns(r: ColumnRow): ScoreRow {
  return {
    tenantId: String(r.tenant_id),
    scoreId: String(r.score_id),
    timeUnixNano: big(r.time_ns),
    traceId: String(r.trace_id),
    spanId: String(r.span_id),
    name: String(r.name),
    value: num(r.value),
    label: strOrNull(r.label),
    comment: strOrNull(r.comment),
    source: r.source === 'api' ? 'api' : 'otlp',
  };
}

/** Aggregates `f_scores`, `f_negative`, `f_value_sum`, `f_example` (empty string: none). */
export function feedbackStatsFromColumns(r: ColumnRow): FeedbackStats {
  const example = strOrNull(r.f_example);
  return {
    tenantId: String(r.tenant_id),
    scores: num(r.f_scores),
    negative: num(r.f_negative),
    valueSum: num(r.f_value_sum),
    exampleNegativeTraceId: example === '' ? null : example,
  };
}

/** The same aggregates per bucket; `f_bucket` in nanoseconds. */
export function feedbackBucketFromColumns(r: ColumnRow): FeedbackBucket {
  return {
    bucket: Number(big(r.f_bucket) / 1_000_000n),
    scores: num(r.f_scores),
    negative: num(r.f_negative),
    valueSum: num(r.f_value_sum),
  };
}

/** The scores a batch's log records carry (LogRow.score), written in the same transaction. */
export function scoresOfLogs(logs: readonly { score?: ScoreRow }[]): ScoreRow[] {
  const out: ScoreRow[] = [];
  for (const l of logs) if (l.score !== undefined) out.push(l.score);
  return out;
}
