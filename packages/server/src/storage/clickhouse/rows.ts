import { isLlmSpan, isToolSpan } from '../classify.js';
import { attrsToJson, eventsToJson, linksToJson, resourceToJson } from '../json.js';
import type { LogRow, MetricPointRow, SpanRow } from '../types.js';
import type { ChRow } from './client.js';
import type { Features } from './features.js';
import { lit } from './sql.js';

/** Row conversion both ways. JSONEachRow sends 64-bit integers as strings, exact in both directions. */
export {
  big,
  logFromColumns as logFromRow,
  num,
  numOrNull,
  spanFromColumns as spanFromRow,
  strOrNull,
} from '../columns.js';

const intOrNull = (v: number | null) => (v === null ? null : String(Math.trunc(v)));
const floatOrNull = (v: number | null) => (v === null || !Number.isFinite(v) ? null : v);

export function spanToRow(s: SpanRow): ChRow {
  return {
    tenant_id: s.tenantId,
    trace_id: s.traceId,
    span_id: s.spanId,
    parent_span_id: s.parentSpanId,
    name: s.name,
    kind: s.kind,
    start_ns: s.startTimeUnixNano.toString(),
    end_ns: s.endTimeUnixNano.toString(),
    duration_ns: s.durationNs.toString(),
    status_code: s.statusCode,
    status_message: s.statusMessage,
    service_name: s.serviceName,
    scope_name: s.scopeName,
    agent_id: s.agentId,
    agent_name: s.agentName,
    operation: s.operation,
    model: s.model,
    provider: s.provider,
    input_tokens: intOrNull(s.inputTokens),
    output_tokens: intOrNull(s.outputTokens),
    tool_name: s.toolName,
    error_type: s.errorType,
    is_run: s.isRun ? 1 : 0,
    is_llm: isLlmSpan(s) ? 1 : 0,
    is_tool: isToolSpan(s) ? 1 : 0,
    user_id: s.userId,
    conversation_id: s.conversationId,
    attributes: attrsToJson(s.attributes),
    resource_attributes: resourceToJson(s.resourceAttributes),
    events: eventsToJson(s.events),
    links: linksToJson(s.links),
  };
}

export function logToRow(l: LogRow): ChRow {
  return {
    tenant_id: l.tenantId,
    time_ns: l.timeUnixNano.toString(),
    observed_ns: l.observedTimeUnixNano.toString(),
    trace_id: l.traceId,
    span_id: l.spanId,
    severity_number: l.severityNumber,
    severity_text: l.severityText,
    body: l.body,
    service_name: l.serviceName,
    agent_id: l.agentId,
    attributes: attrsToJson(l.attributes),
    resource_attributes: resourceToJson(l.resourceAttributes),
  };
}

export function metricToRow(m: MetricPointRow): ChRow {
  return {
    tenant_id: m.tenantId,
    name: m.name,
    kind: m.kind,
    unit: m.unit,
    temporality: m.temporality,
    is_monotonic: m.isMonotonic ? 1 : 0,
    start_ns: m.startTimeUnixNano.toString(),
    time_ns: m.timeUnixNano.toString(),
    value: floatOrNull(m.value),
    count: floatOrNull(m.count),
    sum: floatOrNull(m.sum),
    min: floatOrNull(m.min),
    max: floatOrNull(m.max),
    explicit_bounds: JSON.stringify(m.explicitBounds),
    bucket_counts: JSON.stringify(m.bucketCounts),
    service_name: m.serviceName,
    attributes: attrsToJson(m.attributes),
    resource_attributes: resourceToJson(m.resourceAttributes),
  };
}

/**
 * Deduplication for selective reads (a trace, a page of spans): a resent span that ClickHouse has
 * not merged yet is dropped by LIMIT BY on its key. On 18.16 this is an order of magnitude cheaper
 * than FINAL for small results; aggregates that count rows keep FINAL.
 */
export const ONE_PER_SPAN = 'LIMIT 1 BY tenant_id, trace_id, span_id';

/**
 * What an LLM call and a tool call are, as SQL over the hot columns: the same rule as
 * storage/classify.ts. Used as the DEFAULT of the is_llm / is_tool columns (so rows written before
 * those columns existed are classified on read); new rows carry the value computed at write time.
 */
export const LLM_PREDICATE = `(ifNull(operation, '') NOT IN ('invoke_agent', 'execute_tool', 'memory', 'retrieval')
  AND (isNotNull(input_tokens) OR isNotNull(output_tokens)
       OR ifNull(operation, '') IN ('chat', 'text_completion', 'generate_content', 'embeddings')))`;
export const TOOL_PREDICATE = `ifNull(operation, '') = 'execute_tool'`;

/** Aggregates filter on the classified columns, not on strings. */
export const IS_LLM = 'is_llm = 1';
export const IS_TOOL = 'is_tool = 1';

/**
 * A top-level attribute of a JSON column as a string. 18.16 has only visitParamExtract*, which
 * matches the key as written in the JSON text, so the key is JSON-escaped first.
 */
export function jsonString(f: Features, column: string, key: string): string {
  return f.jsonExtract
    ? `JSONExtractString(${column}, ${lit(key)})`
    : `visitParamExtractString(${column}, ${lit(JSON.stringify(key).slice(1, -1))})`;
}

/** The attribute's raw JSON text (numbers and booleans compare as written). */
export function jsonRaw(f: Features, column: string, key: string): string {
  return f.jsonExtract
    ? `JSONExtractRaw(${column}, ${lit(key)})`
    : `visitParamExtractRaw(${column}, ${lit(JSON.stringify(key).slice(1, -1))})`;
}

/**
 * Linear-interpolated quantile of a sorted array alias, the same arithmetic as DuckDB's
 * quantile_cont (lo + (pos - floor(pos)) * (hi - lo)), so both engines agree to the bit.
 * 18.16 has no quantileExactInclusive.
 */
export function quantileOfSorted(arr: string, p: number): string {
  const pos = `(${p} * (length(${arr}) - 1))`;
  const lo = `arrayElement(${arr}, toUInt64(floor(${pos})) + 1)`;
  const hi = `arrayElement(${arr}, least(toUInt64(floor(${pos})) + 2, length(${arr})))`;
  return `if(length(${arr}) = 0, NULL, toFloat64(${lo}) + (${pos} - floor(${pos})) * (toFloat64(${hi}) - toFloat64(${lo})))`;
}
