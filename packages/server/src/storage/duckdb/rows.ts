import { parseAttrs, parseEvents, parseLinks } from '../json.js';
import type { LogRow, SpanRow } from '../types.js';
import { big, num, numOrNull, type Row, strOrNull } from './database.js';

export function spanFromRow(r: Row): SpanRow {
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
    isRun: r.is_run === true,
    userId: strOrNull(r.user_id),
    conversationId: strOrNull(r.conversation_id),
    attributes: parseAttrs(strOrNull(r.attributes)),
    resourceAttributes: parseAttrs(strOrNull(r.resource_attributes)),
    events: parseEvents(strOrNull(r.events)),
    links: parseLinks(strOrNull(r.links)),
  };
}

export function logFromRow(r: Row): LogRow {
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

/** Classified once at write time (storage/classify.ts), so aggregates read a boolean column. */
export const IS_LLM = 'is_llm';
export const IS_TOOL = 'is_tool';

/** Builds a WHERE clause with positional parameters; values never touch the SQL text. */
export class Where {
  readonly parts: string[] = [];
  readonly params: Array<string | number | bigint | boolean | null> = [];
  add(sql: string, ...values: Array<string | number | bigint | boolean | null>): this {
    this.parts.push(sql);
    this.params.push(...values);
    return this;
  }
  scope(tenantId: string | null, column = 'tenant_id'): this {
    if (tenantId !== null) this.add(`${column} = ?`, tenantId);
    return this;
  }
  get sql(): string {
    return this.parts.length ? `WHERE ${this.parts.join(' AND ')}` : '';
  }
}

export function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** The first 64 bits of a hex trace id (0 for none); see the trace_key column in schema.ts. */
export function traceKey(traceId: string): bigint {
  return /^[0-9a-f]{16}/.test(traceId) ? BigInt(`0x${traceId.slice(0, 16)}`) : 0n;
}
