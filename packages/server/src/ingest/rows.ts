import type { DecodedLog, DecodedMetric, DecodedPoint, DecodedSpan } from '../otlp/model.js';
import type { Attributes, LogRow, MetricPointRow, SpanRow } from '../storage/types.js';
import { readConventions } from './conventions/index.js';
import { asString } from './sanitize.js';

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
  const c = readConventions(a, span.name, scopeName);
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
    agentId: c.agentId,
    agentName: c.agentName,
    operation: c.operation,
    model: c.model,
    provider: c.provider,
    inputTokens: tokenCount(c.inputTokens),
    outputTokens: tokenCount(c.outputTokens),
    toolName: c.toolName,
    errorType:
      asString(a['error.type']) ?? (span.statusCode === 2 ? (exceptionType(span) ?? null) : null),
    // A run is the root of its trace, or a span its SDK marked as a run root (an agent run under
    // an HTTP server span), unless its SDK marked it as delegated: part of another run.
    isRun:
      (span.parentSpanId === '' || a['tenantry.run.root'] === true) &&
      a['tenantry.run.delegated'] !== true,
    userId: c.userId,
    conversationId: c.conversationId,
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

/** A token count as stored (a 64-bit column): a whole, non-negative, exactly representable number. */
function tokenCount(n: number | null): number | null {
  if (n === null || !Number.isFinite(n) || n < 0 || n > Number.MAX_SAFE_INTEGER) return null;
  return Math.trunc(n);
}
