import { parseAttrs, parseEvents, parseLinks } from './json.js';
import type { AlertStateName, AlertTransitionRecord, LogRow, SpanRow } from './types.js';

/**
 * Stored rows back to domain rows, for every engine. Drivers hand 64-bit integers back as bigint
 * (DuckDB) or decimal strings (ClickHouse JSON), booleans as true or 1: these converters take all.
 */
export type ColumnRow = Record<string, unknown>;

export function num(v: unknown): number {
  if (v === null || v === undefined || v === '') return 0;
  return Number(v);
}

export function numOrNull(v: unknown): number | null {
  if (v === null || v === undefined) return null;
  return Number(v);
}

export function strOrNull(v: unknown): string | null {
  return v === null || v === undefined ? null : String(v);
}

export function big(v: unknown): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'string' && /^-?\d+$/.test(v)) return BigInt(v);
  if (typeof v === 'number' && Number.isFinite(v)) return BigInt(Math.trunc(v));
  return 0n;
}

export function spanFromColumns(r: ColumnRow): SpanRow {
  return {
    tenantId: String(r.tenant_id),
    traceId: String(r.trace_id),
    spanId: String(r.span_id),
    parentSpanId: String(r.parent_span_id),
    name: String(r.name),
    kind: num(r.kind),
    startTimeUnixNano: big(r.start_ns),
    endTimeUnixNano: big(r.end_ns),
    durationNs: big(r.duration_ns),
    statusCode: num(r.status_code),
    statusMessage: String(r.status_message ?? ''),
    serviceName: String(r.service_name),
    scopeName: String(r.scope_name),
    agentId: strOrNull(r.agent_id),
    agentName: strOrNull(r.agent_name),
    operation: strOrNull(r.operation),
    model: strOrNull(r.model),
    provider: strOrNull(r.provider),
    inputTokens: numOrNull(r.input_tokens),
    outputTokens: numOrNull(r.output_tokens),
    toolName: strOrNull(r.tool_name),
    errorType: strOrNull(r.error_type),
    isRun: r.is_run === true || num(r.is_run) === 1,
    userId: strOrNull(r.user_id),
    conversationId: strOrNull(r.conversation_id),
    attributes: parseAttrs(strOrNull(r.attributes)),
    resourceAttributes: parseAttrs(strOrNull(r.resource_attributes)),
    events: parseEvents(strOrNull(r.events)),
    links: parseLinks(strOrNull(r.links)),
  };
}

export function logFromColumns(r: ColumnRow): LogRow {
  return {
    tenantId: String(r.tenant_id),
    timeUnixNano: big(r.time_ns),
    observedTimeUnixNano: big(r.observed_ns),
    traceId: String(r.trace_id),
    spanId: String(r.span_id),
    severityNumber: num(r.severity_number),
    severityText: String(r.severity_text),
    body: String(r.body),
    serviceName: String(r.service_name),
    agentId: strOrNull(r.agent_id),
    attributes: parseAttrs(strOrNull(r.attributes)),
    resourceAttributes: parseAttrs(strOrNull(r.resource_attributes)),
  };
}

export function transitionFromColumns(r: ColumnRow): AlertTransitionRecord {
  return {
    ruleId: String(r.rule_id),
    tenantId: String(r.tenant_id),
    from: String(r.from_state) as AlertStateName,
    to: String(r.to_state) as AlertStateName,
    at: num(r.at_ms),
    value: num(r.value),
    threshold: num(r.threshold),
  };
}
