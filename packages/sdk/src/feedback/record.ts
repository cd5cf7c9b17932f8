/**
 * recordFeedback(): a user's verdict on a run ("this answer was wrong"), sent as the OpenTelemetry
 * GenAI event `gen_ai.evaluation.result` through the SDK's OTLP logs pipeline, so that the tenantry
 * server (or any backend reading the convention) stores it as a score on the run.
 */
import { context, ROOT_CONTEXT, TraceFlags, trace } from '@opentelemetry/api';
import { type AnyValueMap, SeverityNumber } from '@opentelemetry/api-logs';
import { getScope, MAX_TENANT_ID_LENGTH } from '../context/tenant.js';
import { warnOnce } from '../diag/warn.js';
import { runtime } from '../runtime.js';
import { ATTR_REDACTED_COUNT, truncate } from '../trace/attributes.js';

export interface FeedbackOptions {
  /**
   * 0..1: 1 is right (thumbs up), 0 is wrong (thumbs down); below 0.5 counts as negative. Values
   * outside are clamped (warned once).
   */
  score: number;
  /** The run scored. Default inside a run: the active run's trace; required after it. */
  traceId?: string;
  /** The run's span (`run.spanId` of agentRun's handle), to parent the record to it. Optional. */
  spanId?: string;
  /** Required outside a run; inside one it defaults to, and must equal, the run's tenant. */
  tenantId?: string;
  /** A short, low-cardinality verdict: 'wrong', 'correct', 'unhelpful'. */
  label?: string;
  /** Free text from the user; redacted with the SDK's redactor before it leaves the process. */
  comment?: string;
  /** What was judged (`gen_ai.evaluation.name`); default 'user_feedback'. */
  name?: string;
}

export const FEEDBACK_NAME = 'user_feedback';
export const EVALUATION_EVENT = 'gen_ai.evaluation.result';
const MAX_SHORT = 128;
const TRACE_ID = /^[0-9a-f]{32}$/;
const SPAN_ID = /^[0-9a-f]{16}$/;

/**
 * Records feedback on a run. Never throws: a call that cannot be recorded (no logs pipeline, no
 * run and no traceId, no tenant, a score that is not a number) is warned once per kind, counted in
 * problemCounts() and returns false; true means the record was handed to the logs pipeline.
 */
export function recordFeedback(feedback: FeedbackOptions): boolean {
  try {
    return record(feedback);
  } catch (error) {
    return drop('failed', `recordFeedback() failed: ${String(error)}`);
  }
}

function record(f: FeedbackOptions): boolean {
  const otel = runtime.otelLogger;
  if (otel === undefined) {
    return drop(
      'no-logs',
      'recordFeedback() needs a logs pipeline: init() with an OTLP endpoint, or logs.exporter',
    );
  }
  if (typeof f !== 'object' || f === null)
    return drop('invalid', 'recordFeedback() needs an object');
  const active = context.active();
  const scope = getScope(active);
  const tenantId = f.tenantId ?? scope?.tenantId;
  if (typeof tenantId !== 'string' || tenantId === '' || tenantId.length > MAX_TENANT_ID_LENGTH) {
    return drop('no-tenant', 'recordFeedback() outside a run needs tenantId');
  }
  if (scope !== undefined && tenantId !== scope.tenantId) {
    return drop(
      'tenant-mismatch',
      `recordFeedback() for tenant '${tenantId}' inside a run of '${scope.tenantId}': not recorded`,
    );
  }
  const score = scoreOf(f.score);
  if (score === undefined) return drop('invalid-score', 'recordFeedback() needs a numeric score');

  const attributes: AnyValueMap = {
    'tenant.id': tenantId,
    'gen_ai.evaluation.name': shortText(f.name) ?? FEEDBACK_NAME,
    'gen_ai.evaluation.score.value': score,
  };
  const label = shortText(f.label);
  if (label !== undefined) attributes['gen_ai.evaluation.score.label'] = label;
  if (typeof f.comment === 'string' && f.comment !== '') {
    const out = runtime.redactor(f.comment, { tenantId });
    attributes['gen_ai.evaluation.explanation'] = truncate(
      String(out.value),
      runtime.maxAttributeLength,
    );
    // Counts of findings, never the values, as on spans.
    if (out.count > 0) attributes[ATTR_REDACTED_COUNT] = out.count;
  }

  const target = recordContext(f, attributes);
  if (target === undefined) {
    return drop('no-run', 'recordFeedback() outside a run needs the run: pass traceId');
  }
  otel.emit({
    eventName: EVALUATION_EVENT,
    severityNumber: SeverityNumber.INFO,
    severityText: 'INFO',
    attributes,
    context: target,
  });
  return true;
}

/**
 * The context the record is emitted in, which gives it its trace and span ids: the run's span when
 * known (the convention parents the event to what it evaluates), else the active span. With only
 * a trace id, no span context can be made (OTel needs both), so the trace goes in
 * `tenantry.trace_id`.
 */
function recordContext(f: FeedbackOptions, attributes: AnyValueMap) {
  if (f.traceId !== undefined) {
    const traceId = String(f.traceId).toLowerCase();
    if (!TRACE_ID.test(traceId)) return undefined;
    const spanId = f.spanId === undefined ? undefined : String(f.spanId).toLowerCase();
    if (spanId !== undefined && SPAN_ID.test(spanId)) {
      return trace.setSpanContext(ROOT_CONTEXT, {
        traceId,
        spanId,
        traceFlags: TraceFlags.SAMPLED,
        isRemote: true,
      });
    }
    attributes['tenantry.trace_id'] = traceId;
    return ROOT_CONTEXT;
  }
  const active = context.active();
  const span = trace.getSpanContext(active);
  return span !== undefined && TRACE_ID.test(span.traceId) && span.traceId !== '0'.repeat(32)
    ? active
    : undefined;
}

function scoreOf(value: unknown): number | undefined {
  if (typeof value !== 'number' || Number.isNaN(value)) return undefined;
  if (value >= 0 && value <= 1) return value;
  warnOnce('feedback-score-clamped', `recordFeedback() score ${value} clamped to 0..1`);
  return value < 0 ? 0 : 1;
}

function shortText(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value.slice(0, MAX_SHORT) : undefined;
}

function drop(kind: string, message: string): false {
  warnOnce(`feedback-${kind}`, message);
  return false;
}
