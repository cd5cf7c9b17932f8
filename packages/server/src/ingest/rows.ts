import type { DecodedLog, DecodedMetric, DecodedPoint, DecodedSpan } from '../otlp/model.js';
import type { Attributes, LogRow, MetricPointRow, SpanRow } from '../storage/types.js';
import { asNumber, asString } from './sanitize.js';

/** Decoded OTLP items to storage rows: hot attributes become typed columns. */

function exceptionType(span: DecodedSpan): string | null {
  for (const e of span.events) {
    if (e.name === 'exception') return asString(e.attributes['exception.type']);
  }
  return null;
}

export function toSpanRow(
  tenantId: string,
  span: DecodedSpan,
  attributes: Attributes,
  resource: Attributes,
  scopeName: string,
): SpanRow {
  const a = attributes;
  const operation = asString(a['gen_ai.operation.name']) ?? asString(a['tenantry.operation']);
  // A span that ends before it starts (clock skew) is stored with zero duration.
  let end = span.endTimeUnixNano;
  if (end < span.startTimeUnixNano) end = span.startTimeUnixNano;
  return {
    tenantId,
    traceId: span.traceId,
    spanId: span.spanId,
    parentSpanId: span.parentSpanId,
    name: span.name,
    kind: span.kind,
    startTimeUnixNano: span.startTimeUnixNano,
    endTimeUnixNano: end,
    durationNs: end - span.startTimeUnixNano,
    statusCode: span.statusCode,
    statusMessage: span.statusMessage,
    serviceName: asString(resource['service.name']) ?? 'unknown_service',
    scopeName,
    agentId: asString(a['gen_ai.agent.id']),
    agentName: asString(a['gen_ai.agent.name']),
    operation,
    model: asString(a['gen_ai.request.model']) ?? asString(a['gen_ai.response.model']),
    provider: asString(a['gen_ai.provider.name']) ?? asString(a['gen_ai.system']),
    inputTokens:
      asNumber(a['gen_ai.usage.input_tokens']) ?? asNumber(a['gen_ai.usage.prompt_tokens']),
    outputTokens:
      asNumber(a['gen_ai.usage.output_tokens']) ?? asNumber(a['gen_ai.usage.completion_tokens']),
    toolName: asString(a['gen_ai.tool.name']),
    errorType:
      asString(a['error.type']) ?? (span.statusCode === 2 ? (exceptionType(span) ?? null) : null),
    // A run is an agent invocation that starts a trace, or one its SDK marked as a run root (e.g.
    // under an HTTP server span); sub-agents are part of their parent's run.
    isRun:
      operation === 'invoke_agent' && (span.parentSpanId === '' || a['tenantry.run.root'] === true),
    userId: asString(a['user.id']) ?? asString(a['enduser.id']),
    conversationId: asString(a['gen_ai.conversation.id']) ?? asString(a['session.id']),
    attributes,
    resourceAttributes: resource,
    events: span.events,
    links: span.links,
  };
}

export function toLogRow(
  tenantId: string,
  log: DecodedLog,
  attributes: Attributes,
  body: string,
  resource: Attributes,
): LogRow {
  const time = log.timeUnixNano !== 0n ? log.timeUnixNano : log.observedTimeUnixNano;
  return {
    tenantId,
    timeUnixNano: time,
    observedTimeUnixNano: log.observedTimeUnixNano !== 0n ? log.observedTimeUnixNano : time,
    traceId: log.traceId,
    spanId: log.spanId,
    severityNumber: log.severityNumber,
    severityText: log.severityText,
    body,
    serviceName: asString(resource['service.name']) ?? 'unknown_service',
    agentId: asString(attributes['agent_id']) ?? asString(attributes['gen_ai.agent.id']),
    attributes,
    resourceAttributes: resource,
  };
}

export function toMetricRow(
  tenantId: string,
  metric: DecodedMetric,
  point: DecodedPoint,
  resource: Attributes,
): MetricPointRow {
  return {
    tenantId,
    name: metric.name,
    kind: metric.kind,
    unit: metric.unit,
    temporality: metric.temporality,
    isMonotonic: metric.isMonotonic,
    startTimeUnixNano: point.startTimeUnixNano,
    timeUnixNano: point.timeUnixNano,
    value: point.value,
    count: point.count,
    sum: point.sum,
    min: point.min,
    max: point.max,
    explicitBounds: point.explicitBounds,
    bucketCounts: point.bucketCounts,
    serviceName: asString(resource['service.name']) ?? 'unknown_service',
    attributes: point.attributes,
    resourceAttributes: resource,
  };
}
