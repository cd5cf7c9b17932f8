import type { DuckDBAppender } from '@duckdb/node-api';
import { isLlmSpan, isToolSpan } from '../classify.js';
import { attrsToJson, eventsToJson, linksToJson, resourceToJson } from '../json.js';
import type { LogRow, MetricPointRow, SpanRow } from '../types.js';
import { tenantKey, traceKey } from './rows.js';

/** Rows to DuckDB appender values, in each table's column order (schema.ts). */

function varcharOrNull(a: DuckDBAppender, v: string | null): void {
  if (v === null) a.appendNull();
  else a.appendVarchar(v);
}

function bigintOrNull(a: DuckDBAppender, v: number | null): void {
  if (v === null) a.appendNull();
  else a.appendBigInt(BigInt(Math.trunc(v)));
}

function doubleOrNull(a: DuckDBAppender, v: number | null): void {
  if (v === null || !Number.isFinite(v)) a.appendNull();
  else a.appendDouble(v);
}

/** A span's values in SPAN_COLUMNS order, row left open (parked_spans adds its own column). */
export function appendSpanValues(a: DuckDBAppender, s: SpanRow): void {
  a.appendVarchar(s.tenantId);
  a.appendVarchar(s.traceId);
  a.appendVarchar(s.spanId);
  a.appendVarchar(s.parentSpanId);
  a.appendVarchar(s.name);
  a.appendTinyInt(s.kind);
  a.appendBigInt(s.startTimeUnixNano);
  a.appendBigInt(s.endTimeUnixNano);
  a.appendBigInt(s.durationNs);
  a.appendTinyInt(s.statusCode);
  a.appendVarchar(s.statusMessage);
  a.appendVarchar(s.serviceName);
  a.appendVarchar(s.scopeName);
  varcharOrNull(a, s.agentId);
  varcharOrNull(a, s.agentName);
  varcharOrNull(a, s.operation);
  varcharOrNull(a, s.model);
  varcharOrNull(a, s.provider);
  bigintOrNull(a, s.inputTokens);
  bigintOrNull(a, s.outputTokens);
  varcharOrNull(a, s.toolName);
  varcharOrNull(a, s.errorType);
  a.appendBoolean(s.isRun);
  varcharOrNull(a, s.userId);
  varcharOrNull(a, s.conversationId);
  a.appendVarchar(attrsToJson(s.attributes));
  a.appendVarchar(resourceToJson(s.resourceAttributes));
  a.appendVarchar(eventsToJson(s.events));
  a.appendVarchar(linksToJson(s.links));
  a.appendBoolean(isLlmSpan(s));
  a.appendBoolean(isToolSpan(s));
  a.appendUBigInt(traceKey(s.traceId));
  a.appendUBigInt(tenantKey(s.tenantId));
}

export function appendLog(a: DuckDBAppender, l: LogRow): void {
  a.appendVarchar(l.tenantId);
  a.appendBigInt(l.timeUnixNano);
  a.appendBigInt(l.observedTimeUnixNano);
  a.appendVarchar(l.traceId);
  a.appendVarchar(l.spanId);
  a.appendTinyInt(l.severityNumber);
  a.appendVarchar(l.severityText);
  a.appendVarchar(l.body);
  a.appendVarchar(l.serviceName);
  varcharOrNull(a, l.agentId);
  a.appendVarchar(attrsToJson(l.attributes));
  a.appendVarchar(resourceToJson(l.resourceAttributes));
  a.appendUBigInt(traceKey(l.traceId));
  a.appendUBigInt(tenantKey(l.tenantId));
  a.endRow();
}

export function appendMetric(a: DuckDBAppender, m: MetricPointRow): void {
  a.appendVarchar(m.tenantId);
  a.appendVarchar(m.name);
  a.appendVarchar(m.kind);
  a.appendVarchar(m.unit);
  a.appendTinyInt(m.temporality);
  a.appendBoolean(m.isMonotonic);
  a.appendBigInt(m.startTimeUnixNano);
  a.appendBigInt(m.timeUnixNano);
  doubleOrNull(a, m.value);
  doubleOrNull(a, m.count);
  doubleOrNull(a, m.sum);
  doubleOrNull(a, m.min);
  doubleOrNull(a, m.max);
  a.appendVarchar(JSON.stringify(m.explicitBounds));
  a.appendVarchar(JSON.stringify(m.bucketCounts));
  a.appendVarchar(m.serviceName);
  a.appendVarchar(attrsToJson(m.attributes));
  a.appendVarchar(resourceToJson(m.resourceAttributes));
  a.endRow();
}
